import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type {
  ModelEvaluation,
  SearchTrial,
  ServedHyperparameters,
  ServedModelParameters,
  ServedModelType,
} from '../../modelling';

/** An immutable trained model: parameters, how it was made, and how it scored when held out. */
@Entity({ tableName: 'model_versions' })
@Index({ name: 'model_versions_scope_created_idx', properties: ['scope', 'createdAt'] })
export class ModelVersion {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ type: 'text' })
  modelType!: ServedModelType;

  @Property({ type: 'text' })
  scope!: string;

  @Property({ type: 'json' })
  competitions!: string[];

  /** Loaded only when asked for: lists never need them. */
  @Property({ type: 'json', lazy: true })
  parameters!: ServedModelParameters;

  @Property({ type: 'json' })
  hyperparameters!: Partial<ServedHyperparameters>;

  @Property({ type: 'json' })
  evaluation!: ModelEvaluation;

  @Property({ type: 'json', nullable: true })
  search: { trials: SearchTrial[]; chosen: Record<string, number> } | null = null;

  /** SHA-256 of the training rows (match ids, scores and odds used), see training/fingerprint.ts. */
  @Index({ name: 'model_versions_fingerprint_idx' })
  @Property({ type: 'text' })
  fingerprint!: string;

  @Property()
  matchesUsed!: number;

  /** Kick-off of the first and last training match. */
  @Property({ type: 'datetime' })
  dataFrom!: Date;

  @Property({ type: 'datetime' })
  dataTo!: Date;

  /** The fit time: every training match kicked off before it. */
  @Property({ type: 'datetime' })
  asOf!: Date;

  @Property({ type: 'text' })
  codeVersion!: string;

  @Property({ type: 'text', nullable: true })
  createdBy: string | null = null;

  /** The run that trained it: a run saves at most one version (its retries finish with that one). */
  @Unique({ name: 'model_versions_training_run_id_unique' })
  @Property({ type: 'uuid', nullable: true })
  trainingRunId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
