import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SERVED_MODEL_TYPES, type ServedModelType } from '../modelling';
import { TrainingRun, TrainingStatus } from './entities';
import { IsAfter, IsApiDate } from '../common/http/api-date';

export class EloHyperparametersDto {
  @ApiPropertyOptional({ example: 15, description: 'Update step (rating points)' })
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(100)
  k?: number;
  @ApiPropertyOptional({ example: 50 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(200)
  homeAdvantage?: number;
  @ApiPropertyOptional({ example: 1500 })
  @IsOptional()
  @IsNumber()
  @Min(100)
  @Max(5000)
  initialRating?: number;
  @ApiPropertyOptional({
    example: -80,
    description: 'Rating of a promoted team vs the league mean',
  })
  @IsOptional()
  @IsNumber()
  @Min(-300)
  @Max(300)
  newTeamOffset?: number;
  @ApiPropertyOptional({
    example: 0,
    description: 'Share of the gap to the mean removed each new season',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  seasonRegression?: number;
  @ApiPropertyOptional({ enum: ['none', 'world-football', 'log'] })
  @IsOptional()
  @IsIn(['none', 'world-football', 'log'])
  goalDifference?: 'none' | 'world-football' | 'log';
  @ApiPropertyOptional({ example: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  logitBurnInMatches?: number;
  @ApiPropertyOptional({ example: 0, description: 'Days; 0 = no recency weighting' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(3650)
  logitHalfLifeDays?: number;
}

export class DixonColesHyperparametersDto {
  @ApiPropertyOptional({ example: 0.0015, description: 'Time decay per day' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.02)
  xi?: number;
  @ApiPropertyOptional({ example: 3, description: 'Ridge penalty on attack/defence' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  ridge?: number;
  @ApiPropertyOptional({ example: -0.2 })
  @IsOptional()
  @IsNumber()
  @Min(-1)
  @Max(0)
  rhoMin?: number;
  @ApiPropertyOptional({ example: 0.2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  rhoMax?: number;
  @ApiPropertyOptional({ example: 1500, description: 'Days of history given to each fit' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(5000)
  windowDays?: number;
}

export class EnsembleHyperparametersDto {
  @ApiPropertyOptional({ example: 0.001, description: 'Pull towards equal weights' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(10)
  l2?: number;
  @ApiPropertyOptional({
    enum: ['opening', 'closing', 'none'],
    description: 'Market line the ensemble reads',
  })
  @IsOptional()
  @IsIn(['opening', 'closing', 'none'])
  market?: 'opening' | 'closing' | 'none';
  @ApiPropertyOptional({
    enum: ['implied', 'draw-feature', 'both', 'none'],
    description:
      "What the ensemble reads from the same phase's over/under 2.5 price: 'implied' pools the 1X2 the goal total implies, 'draw-feature' adds logit P(over 2.5) to the draw",
  })
  @IsOptional()
  @IsIn(['implied', 'draw-feature', 'both', 'none'])
  goals?: 'implied' | 'draw-feature' | 'both' | 'none';
  @ApiPropertyOptional({
    enum: ['multi', 'none'],
    description:
      "'multi': the statistical ensemble (market 'none') also reads a slow and a fast Elo and two faster Poisson filters; ensembles reading a market line ignore it",
  })
  @IsOptional()
  @IsIn(['multi', 'none'])
  timescales?: 'multi' | 'none';
  @ApiPropertyOptional({
    enum: ['matches', 'none'],
    description:
      "'matches': the stack's weights also depend on how many matches the sides have played this season (one mix for a season's first rounds, another later)",
  })
  @IsOptional()
  @IsIn(['matches', 'none'])
  seasonProgress?: 'matches' | 'none';
  @ApiPropertyOptional({
    enum: ['table', 'none'],
    description:
      "'table': the stack's home and draw intercepts shift for matches played behind closed doors (the COVID-19 periods of the six history leagues; later fixtures have crowds)",
  })
  @IsOptional()
  @IsIn(['table', 'none'])
  closedDoors?: 'table' | 'none';
}

// Each group is also @IsObject(): @ValidateNested passes an array element by element, and
// `{"elo": [{}]}` would be stored and spread into the settings as key "0".
export class HyperparametersDto {
  @ApiPropertyOptional({ type: EloHyperparametersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EloHyperparametersDto)
  elo?: EloHyperparametersDto;
  @ApiPropertyOptional({ type: DixonColesHyperparametersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DixonColesHyperparametersDto)
  dixonColes?: DixonColesHyperparametersDto;
  @ApiPropertyOptional({ type: EnsembleHyperparametersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EnsembleHyperparametersDto)
  ensemble?: EnsembleHyperparametersDto;
}

export class CreateTrainingRunBody {
  @ApiProperty({ enum: SERVED_MODEL_TYPES, example: 'ensemble' })
  @IsIn(SERVED_MODEL_TYPES)
  modelType!: ServedModelType;

  @ApiPropertyOptional({
    type: [String],
    example: ['england/premier-league'],
    description:
      "Competition codes; one gives that competition's scope, several or none (all) the global scope",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  competitions?: string[];

  @ApiPropertyOptional({
    example: '2015-07-01',
    description: 'Train on matches from this date (inclusive)',
  })
  @IsOptional()
  @IsApiDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2024-07-01',
    description:
      'Train on matches before this date. The fit time is the day after the latest result before it, or this date if earlier',
  })
  @IsOptional()
  @IsApiDate()
  @IsAfter('from')
  to?: string;

  @ApiPropertyOptional({ type: HyperparametersDto, description: 'Overrides of the tuned defaults' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HyperparametersDto)
  hyperparameters?: HyperparametersDto;

  @ApiPropertyOptional({
    example: { 'elo.k': [10, 15, 25], 'dixonColes.xi': [0.001, 0.002] },
    description:
      'Values to search ("group.name" → list), chosen by RPS on the weeks before the held-out ones. ' +
      'Paths: elo.k, elo.homeAdvantage, elo.newTeamOffset, elo.seasonRegression, elo.logitHalfLifeDays, ' +
      'dixonColes.xi, dixonColes.ridge, dixonColes.windowDays, ensemble.l2',
  })
  @IsOptional()
  @IsObject()
  searchSpace?: Record<string, number[]>;

  @ApiPropertyOptional({ example: 26, description: 'Held-out weeks scored by the backtest' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(260)
  evaluationWeeks?: number;
}

export class TrainingLogLineView {
  @ApiProperty() at!: string;
  @ApiProperty() message!: string;
}

export class TrainingRunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: TrainingStatus }) status!: TrainingStatus;
  @ApiProperty({ enum: SERVED_MODEL_TYPES }) modelType!: string;
  @ApiProperty({ example: 'england/premier-league' }) scope!: string;
  @ApiProperty({ type: [String] }) competitions!: string[];
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty({ type: Object }) hyperparameters!: object;
  @ApiProperty({ type: Object, nullable: true }) searchSpace!: object | null;
  @ApiProperty() evaluationWeeks!: number;
  @ApiProperty({ enum: ['api', 'schedule', 'drift', 'new-competition', 'demo-data'] })
  trigger!: string;
  @ApiProperty({ nullable: true, type: String }) requestedBy!: string | null;
  @ApiProperty({ example: 40, description: 'Percent done' }) progress!: number;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: [TrainingLogLineView] }) log!: TrainingLogLineView[];
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({
    type: Object,
    nullable: true,
    example: { loadMs: 120, trainMs: 2400, saveMs: 30, totalMs: 2550 },
  })
  timings!: object | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) modelVersionId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(run: TrainingRun): TrainingRunView {
    return {
      id: run.id,
      status: run.status,
      modelType: run.modelType,
      scope: run.scope,
      competitions: run.competitions,
      from: run.dataFrom?.toISOString() ?? null,
      to: run.dataTo?.toISOString() ?? null,
      hyperparameters: run.hyperparameters,
      searchSpace: run.searchSpace,
      evaluationWeeks: run.evaluationWeeks,
      trigger: run.trigger,
      requestedBy: run.requestedBy,
      progress: run.progress,
      attempts: run.attempts,
      log: run.log,
      error: run.error,
      timings: run.timings,
      modelVersionId: run.modelVersionId,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }
}
