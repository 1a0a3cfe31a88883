import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '../../common/http/id-param';
import { Transform } from 'class-transformer';
import { IsDate, IsEnum, IsIn, IsOptional } from 'class-validator';
import { IntegerQueryText, PageQuery } from '../../common/http/pagination';
import { Match, MatchStatus, OddsSnapshot } from '../entities';
import { apiDateMessage, IsAfter, toApiDate } from '../../common/http/api-date';
import { CompetitionFilter, TextFilter } from '../../common/http/text-filter';

export class MatchListQuery extends PageQuery {
  @CompetitionFilter('Competition code or id')
  competition?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: "Team id (home or away; a merged team's id finds the team it was merged into)",
    example: 12,
  })
  @IsOptional()
  @IntegerQueryText()
  @IsId()
  team?: number;

  @TextFilter({ maxLength: 20, example: '2023-2024' })
  season?: string;

  @ApiPropertyOptional({ enum: MatchStatus })
  @IsOptional()
  @IsEnum(MatchStatus)
  status?: MatchStatus;

  @ApiPropertyOptional({
    description: 'Kick-off at or after (ISO 8601)',
    example: '2024-08-01T00:00:00Z',
  })
  @IsOptional()
  @Transform(toApiDate)
  @IsDate({ message: apiDateMessage('from') })
  from?: Date;

  @ApiPropertyOptional({
    description: 'Kick-off before (ISO 8601)',
    example: '2025-06-01T00:00:00Z',
  })
  @IsOptional()
  @Transform(toApiDate)
  @IsDate({ message: apiDateMessage('to') })
  @IsAfter('from')
  to?: Date;

  @ApiPropertyOptional({ enum: ['kickoff', '-kickoff'], default: 'kickoff' })
  @IsOptional()
  @IsIn(['kickoff', '-kickoff'])
  sort: 'kickoff' | '-kickoff' = 'kickoff';
}

export class TeamRef {
  @ApiProperty({ type: 'integer', example: 12 }) id!: number;
  @ApiProperty({ example: 'Manchester City' }) name!: string;
}

export class CompetitionRef {
  @ApiProperty({ type: 'integer', example: 1 }) id!: number;
  @ApiProperty({ example: 'england/premier-league' }) code!: string;
  @ApiProperty({ example: 'Premier League' }) name!: string;
  @ApiProperty({ example: 'England', nullable: true, type: String }) country!: string | null;
}

export class CancellationView {
  @ApiProperty({
    example: '2032-01-14T09:12:00.000Z',
    nullable: true,
    type: String,
    description: 'When it was cancelled (null for matches cancelled before this was recorded)',
  })
  at!: string | null;

  @ApiProperty({
    example: 'admin',
    nullable: true,
    type: String,
    description:
      '`admin` (POST /v1/matches/{id}/cancel), or the source whose row said cancelled (`football-data.co.uk`, `collector:<id>`, ...)',
  })
  by!: string | null;

  @ApiProperty({
    example: 'phantom: played on 2032-01-13 (match 4712)',
    nullable: true,
    type: String,
    description: "The admin's reason (sources give none)",
  })
  reason!: string | null;
}

export class MatchView {
  @ApiProperty({ type: 'integer', example: 4711 }) id!: number;
  @ApiProperty({ type: CompetitionRef }) competition!: CompetitionRef;
  @ApiProperty({ example: '2024-2025' }) season!: string;
  @ApiProperty({ example: '2024-08-16T19:00:00.000Z' }) kickoff!: string;
  @ApiProperty({ enum: MatchStatus }) status!: MatchStatus;
  @ApiProperty({ type: TeamRef }) homeTeam!: TeamRef;
  @ApiProperty({ type: TeamRef }) awayTeam!: TeamRef;
  @ApiProperty({ example: 1, nullable: true, type: Number }) homeGoals!: number | null;
  @ApiProperty({ example: 0, nullable: true, type: Number }) awayGoals!: number | null;
  @ApiProperty({ example: 0, nullable: true, type: Number }) homeGoalsHalfTime!: number | null;
  @ApiProperty({ example: 0, nullable: true, type: Number }) awayGoalsHalfTime!: number | null;
  @ApiProperty({ example: false }) neutral!: boolean;
  @ApiProperty({ example: 'history' }) source!: string;
  @ApiProperty({ example: 'england/premier-league:2024-08-16:Manchester United:Fulham' })
  sourceKey!: string;
  @ApiProperty({
    type: CancellationView,
    nullable: true,
    description: 'Who cancelled it, when and why: set while the status is cancelled, else null',
  })
  cancellation!: CancellationView | null;

  static of(match: Match): MatchView {
    const { competition: c } = match;
    return {
      id: match.id,
      competition: { id: c.id, code: c.code, name: c.name, country: c.country },
      season: match.season,
      kickoff: match.kickoff.toISOString(),
      status: match.status,
      homeTeam: { id: match.homeTeam.id, name: match.homeTeam.name },
      awayTeam: { id: match.awayTeam.id, name: match.awayTeam.name },
      homeGoals: match.homeGoals,
      awayGoals: match.awayGoals,
      homeGoalsHalfTime: match.homeGoalsHalfTime,
      awayGoalsHalfTime: match.awayGoalsHalfTime,
      neutral: match.neutral,
      source: match.source,
      sourceKey: match.sourceKey,
      cancellation:
        match.status === MatchStatus.Cancelled
          ? {
              at: match.cancelledAt?.toISOString() ?? null,
              by: match.cancelledBy,
              reason: match.cancelReason,
            }
          : null,
    };
  }
}

export class MatchPageView {
  @ApiProperty({ type: [MatchView] }) items!: MatchView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 32529 }) total!: number;
}

export class OddsView {
  @ApiProperty({ example: '1x2', enum: ['1x2', 'ou25', 'btts'] }) market!: string;
  @ApiProperty({ example: 'opening', enum: ['opening', 'closing'] }) phase!: string;
  @ApiProperty({ example: 'market-average' }) bookmaker!: string;
  @ApiProperty({ example: 'football-data.co.uk' }) source!: string;
  @ApiProperty({ example: { home: 1.62, draw: 4.36, away: 5.15 } }) prices!: Record<string, number>;
  @ApiProperty({ example: '2024-11-21T10:00:00.000Z' }) capturedAt!: string;

  static of(odds: OddsSnapshot): OddsView {
    return {
      market: odds.market,
      phase: odds.phase,
      bookmaker: odds.bookmaker,
      source: odds.source,
      prices: odds.prices,
      capturedAt: odds.capturedAt.toISOString(),
    };
  }
}

export class MatchDetailView extends MatchView {
  @ApiProperty({ type: [OddsView] }) odds!: OddsView[];
}
