import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination';
import { CompetitionFilter } from '../../common/http/text-filter';
import { MatchView } from '../read/match.dto';

export class OverdueListQuery extends PageQuery {
  @CompetitionFilter('Competition code or id')
  competition?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true: only the fixtures with a played twin (the likely phantoms); false: only those ' +
      'without (late results)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'playedTwin must be true or false' })
  playedTwin?: boolean;
}

export class OverdueFixtureView extends MatchView {
  @ApiProperty({
    type: 'integer',
    example: 75,
    description: 'Whole hours since the stored kick-off',
  })
  hoursSinceKickoff!: number;

  @ApiProperty({
    type: MatchView,
    nullable: true,
    description:
      'A played match of the same competition and season between the same home and away ' +
      'teams (the nearest in time, if several): the likely phantom signal, the match having ' +
      'been played on another day. Null when there is none. Check the dates before cancelling: ' +
      'where a pairing meets twice at one ground in a season (Scotland), it may be the other meeting.',
  })
  playedTwin!: MatchView | null;
}

export class OverdueFixturePageView {
  @ApiProperty({ type: [OverdueFixtureView] }) items!: OverdueFixtureView[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({
    example: 48,
    description:
      'The grace period (OVERDUE_FIXTURE_HOURS) after kick-off before a fixture is listed',
  })
  graceHours!: number;
}

export class CancelMatchBody {
  @ApiProperty({
    example: 'phantom: played on 2024-02-20 as match 4712',
    minLength: 1,
    maxLength: 200,
    description: 'Why the fixture is cancelled (kept in the audit log)',
  })
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}
