import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '../../common/http/id-param';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination';

export class TeamListQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Part of a name or alias (case and accents ignored)',
    example: 'man city',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  search?: string;
}

export class AliasView {
  @ApiProperty({ type: 'integer', example: 7 }) id!: number;
  @ApiProperty({ example: 'Man City' }) alias!: string;
  @ApiProperty({ example: 'curated', enum: ['canonical', 'curated', 'import', 'admin'] })
  origin!: string;
}

export class TeamView {
  @ApiProperty({ type: 'integer', example: 12 }) id!: number;
  @ApiProperty({ example: 'Manchester City' }) name!: string;
  @ApiProperty({ example: 'England', nullable: true, type: String }) country!: string | null;
  @ApiProperty({ type: [AliasView] }) aliases!: AliasView[];
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: null,
    description:
      'The team this one was merged into (its matches and aliases are there); null if not merged',
  })
  mergedIntoId!: number | null;
}

export class TeamPageView {
  @ApiProperty({ type: [TeamView] }) items!: TeamView[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}

export class AddAliasBody {
  @ApiProperty({ example: 'Man City' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  alias!: string;
}

export class MergeTeamBody {
  @ApiProperty({ type: 'integer', description: 'The team that absorbs this one', example: 12 })
  @IsId()
  intoTeamId!: number;
}

export class MergeResultView {
  @ApiProperty({ type: 'integer', example: 12 }) intoTeamId!: number;
  @ApiProperty({ example: 38, description: 'Matches moved onto the absorbing team' })
  matchesMoved!: number;
  @ApiProperty({ example: 2, description: 'Duplicate fixtures folded into an existing match' })
  matchesDeduplicated!: number;
}

export class CompetitionView {
  @ApiProperty({ type: 'integer', example: 1 }) id!: number;
  @ApiProperty({ example: 'england/premier-league' }) code!: string;
  @ApiProperty({ example: 'Premier League' }) name!: string;
  @ApiProperty({ example: 'England', nullable: true, type: String }) country!: string | null;
  @ApiProperty({ example: ['2023-2024', '2024-2025'] }) seasons!: string[];
  @ApiProperty({ example: 5782 }) matchCount!: number;
}
