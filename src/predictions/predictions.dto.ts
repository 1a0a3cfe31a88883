import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '../common/http/id-param';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsAfter, IsApiDate } from '../common/http/api-date';
import { CompetitionFilter } from '../common/http/text-filter';
import { PageNumber, PageSize } from '../common/http/pagination';

export class PredictionView {
  @ApiProperty({
    example: {
      id: 31234,
      kickoff: '2027-01-10T15:00:00.000Z',
      competition: 'england/premier-league',
      season: '2026-2027',
      status: 'scheduled',
      neutral: false,
      homeTeam: { id: 12, name: 'Arsenal' },
      awayTeam: { id: 7, name: 'Chelsea' },
    },
  })
  match!: object;

  @ApiProperty({
    example: {
      versionId: '6f1c…',
      type: 'ensemble',
      scope: 'global',
      trainedAsOf: '2026-11-20T00:00:00.000Z',
    },
  })
  model!: object;

  @ApiProperty({ example: '2027-01-09T10:00:00.000Z' })
  computedAt!: string;

  @ApiProperty({
    description:
      'matchResult (1X2), doubleChance, drawNoBet, overUnder (0.5–5.5), bothTeamsToScore, asianHandicap (-2.5…+2.5 in quarter lines, with fair odds), correctScore (top 10), expectedGoals',
    example: {
      matchResult: { home: 0.512, draw: 0.251, away: 0.237 },
      overUnder: [{ line: 2.5, over: 0.541, under: 0.459 }],
      bothTeamsToScore: { yes: 0.55, no: 0.45 },
      expectedGoals: { home: 1.72, away: 1.08 },
      correctScore: [{ home: 1, away: 0, probability: 0.104 }],
    },
  })
  markets!: object;

  @ApiProperty({
    description:
      "Each team's rating / attack / defence and last five results, home advantage, components",
    example: {
      summary: 'Arsenal are favourites at 51% (draw 25%); expected goals 1.72-1.08.',
      home: {
        id: 12,
        name: 'Arsenal',
        rating: 1612.4,
        attack: 0.31,
        defence: 0.22,
        form: { last: 'WWDLW', points: 10 },
      },
      homeAdvantage: { neutralVenue: false, eloPoints: 50, goalsFactor: 1.27 },
    },
  })
  explanation!: object;

  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      "Stored prices per market (latest phase), the market's margin-free probabilities, and the model's edge",
    example: [
      {
        market: '1x2',
        phase: 'opening',
        bookmaker: 'market-average',
        margin: 0.052,
        outcomes: { home: { price: 2.1, implied: 0.46, model: 0.512, edge: 0.075 } },
      },
    ],
  })
  odds!: object[];
}

export class UpcomingQuery {
  @CompetitionFilter('Competition code or id')
  competition?: string;

  @ApiPropertyOptional({ example: '2027-01-01', description: 'Default: now' })
  @IsOptional()
  @IsApiDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2027-01-31',
    description: 'Fixtures kicking off before; after `from` (default: now)',
  })
  @IsOptional()
  @IsApiDate()
  @IsAfter('from')
  to?: string;

  @PageNumber()
  page = 1;

  /** Each item is a computed prediction: smaller pages than other lists. */
  @PageSize(100)
  pageSize = 50;
}

export class UpcomingItemView {
  @ApiProperty({ type: 'integer' }) matchId!: number;
  @ApiPropertyOptional({ type: PredictionView }) prediction?: PredictionView;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "Kick-off has passed (a past window): the prediction is the version's frozen ledger entry, frozen then",
  })
  frozenAt?: string;
  @ApiPropertyOptional({
    enum: [true],
    description:
      'Kick-off has passed and this version froze nothing for the match (computed afterwards), or froze it only after the kick-off the match now has (never scored)',
  })
  madeAfterKickoff?: boolean;
  @ApiPropertyOptional({
    description: 'Why no prediction is given (e.g. no model covers the competition)',
  })
  unavailable?: string;
}

export class SimulatedFixtureBody {
  @ApiProperty({ type: 'integer', example: 12 })
  @IsId()
  homeTeamId!: number;

  @ApiProperty({ type: 'integer', example: 7 })
  @IsId()
  awayTeamId!: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  neutral?: boolean;

  @ApiPropertyOptional({
    example: 'england/premier-league',
    description: "Default: the home team's latest competition",
  })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  competition?: string;
}

export class SimulateBody {
  @ApiProperty({ type: [SimulatedFixtureBody] })
  @ValidateNested({ each: true })
  @Type(() => SimulatedFixtureBody)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  fixtures!: SimulatedFixtureBody[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  model?: string;
}

export class SimulatedPredictionView extends PredictionView {
  @ApiProperty({ type: [String] }) warnings!: string[];
}

export class CacheStatsView {
  @ApiProperty({ enum: ['redis', 'memory'] }) backend!: string;
  @ApiProperty() hits!: number;
  @ApiProperty() misses!: number;
  @ApiProperty({ nullable: true, type: Number }) hitRatio!: number | null;
}
