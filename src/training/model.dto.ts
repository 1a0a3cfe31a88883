import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/http/pagination';
import { TextFilter } from '../common/http/text-filter';
import { SERVED_MODEL_TYPES, type ModelEvaluation } from '../modelling';
import { MODEL_ALIASES, ModelAliasEvent, ModelVersion, type ModelAliasName } from './entities';

export class ModelListQuery extends PageQuery {
  // Not empty (which would read as every scope) and named once; a scope that does not exist is
  // a 400 too (ModelsController), not an empty page.
  @TextFilter({
    maxLength: 120,
    example: 'england/premier-league',
    description: 'A competition (code or id) or "global"',
  })
  scope?: string;

  @ApiPropertyOptional({ enum: SERVED_MODEL_TYPES })
  @IsOptional()
  @IsIn(SERVED_MODEL_TYPES)
  modelType?: string;
}

export class PromoteBody {
  @ApiPropertyOptional({ enum: MODEL_ALIASES, default: 'champion' })
  @IsOptional()
  @IsIn(MODEL_ALIASES)
  alias?: ModelAliasName;

  @ApiPropertyOptional({ example: 'beat the champion on the last 300 matches' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** The stored evaluation with its held-out windows as ISO dates, like every other date of the API. */
function evaluationView(evaluation: ModelEvaluation): object {
  const iso = (ms: number) => new Date(ms).toISOString();
  const { from, until, windowsByCompetition, ...rest } = evaluation;
  return {
    from: iso(from),
    until: iso(until),
    ...(windowsByCompetition
      ? {
          windowsByCompetition: Object.fromEntries(
            Object.entries(windowsByCompetition).map(([competition, w]) => [
              competition,
              { from: iso(w.from), until: iso(w.until) },
            ]),
          ),
        }
      : {}),
    ...rest,
  };
}

export class ModelVersionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SERVED_MODEL_TYPES }) modelType!: string;
  @ApiProperty({ example: 'england/premier-league' }) scope!: string;
  @ApiProperty({ type: [String] }) competitions!: string[];
  @ApiProperty({ type: [String], enum: MODEL_ALIASES, description: 'Aliases it holds now' })
  aliases!: string[];
  @ApiProperty({ type: Object, description: 'Hyperparameters used' }) hyperparameters!: object;
  @ApiProperty({
    type: Object,
    description:
      'Walk-forward backtest on the latest held-out weeks: the model, the opening and closing lines, per competition',
  })
  evaluation!: object;
  @ApiProperty({ type: Object, nullable: true }) search!: object | null;
  @ApiProperty({ description: 'SHA-256 of the training rows (ids, scores, odds)' })
  fingerprint!: string;
  @ApiProperty() matchesUsed!: number;
  @ApiProperty() dataFrom!: string;
  @ApiProperty() dataTo!: string;
  @ApiProperty({ description: 'Fit time: every training match kicked off before it' })
  asOf!: string;
  @ApiProperty({ example: '0.1.0+3f2a9c1d2e4b' }) codeVersion!: string;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) trainingRunId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ type: Object, description: 'Fitted parameters (detail only)' })
  parameters?: object;

  static of(v: ModelVersion, aliases: string[], withParameters = false): ModelVersionView {
    return {
      id: v.id,
      modelType: v.modelType,
      scope: v.scope,
      competitions: v.competitions,
      aliases,
      hyperparameters: v.hyperparameters,
      evaluation: evaluationView(v.evaluation),
      search: v.search,
      fingerprint: v.fingerprint,
      matchesUsed: v.matchesUsed,
      dataFrom: v.dataFrom.toISOString(),
      dataTo: v.dataTo.toISOString(),
      asOf: v.asOf.toISOString(),
      codeVersion: v.codeVersion,
      createdBy: v.createdBy,
      trainingRunId: v.trainingRunId,
      createdAt: v.createdAt.toISOString(),
      ...(withParameters ? { parameters: v.parameters } : {}),
    };
  }
}

export class AliasEventView {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() scope!: string;
  @ApiProperty({ enum: MODEL_ALIASES }) alias!: string;
  @ApiProperty({ nullable: true, type: String }) versionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) previousVersionId!: string | null;
  @ApiProperty({ enum: ['promote', 'rollback', 'auto-promote', 'clear'] }) action!: string;
  @ApiProperty({ nullable: true, type: String }) actor!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() at!: string;

  static of(e: ModelAliasEvent): AliasEventView {
    return {
      id: e.id,
      scope: e.scope,
      alias: e.alias,
      versionId: e.versionId,
      previousVersionId: e.previousVersionId,
      action: e.action,
      actor: e.actor,
      reason: e.reason,
      at: e.at.toISOString(),
    };
  }
}

export class ScopeAliasesView {
  @ApiProperty() scope!: string;
  @ApiProperty({ nullable: true, type: String }) champion!: string | null;
  @ApiProperty({ nullable: true, type: String }) challenger!: string | null;
}
