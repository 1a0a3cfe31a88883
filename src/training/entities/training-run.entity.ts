import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { HyperparameterOverrides, ServedModelType } from '../../modelling';

export enum TrainingStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

export const ACTIVE_TRAINING_STATUSES = [TrainingStatus.Queued, TrainingStatus.Running];

/** What started a run. */
/** Who asked: an admin, the schedule, drift, or a competition that arrived without a model. */
export type TrainingTrigger = 'api' | 'schedule' | 'drift' | 'new-competition' | 'demo-data';

export interface TrainingLogLine {
  at: string;
  message: string;
}

export interface TrainingTimings {
  loadMs?: number;
  trainMs?: number;
  saveMs?: number;
  totalMs?: number;
}

/** One training run: what to train, its progress and log, and the model version it produced. */
@Entity({ tableName: 'training_runs' })
// One active run per scope, enforced by the database so two replicas cannot both queue one.
@Index({
  name: 'training_runs_one_active_per_scope',
  expression:
    "create unique index training_runs_one_active_per_scope on training_runs (scope) where status in ('queued', 'running')",
})
@Index({ name: 'training_runs_created_idx', properties: ['createdAt'] })
export class TrainingRun {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Enum({ items: () => TrainingStatus, nativeEnumName: 'training_status' })
  status: TrainingStatus & Opt = TrainingStatus.Queued;

  @Property({ type: 'text' })
  modelType!: ServedModelType;

  /** A competition code, or "global" for a model over several competitions. */
  @Property({ type: 'text' })
  scope!: string;

  @Property({ type: 'json' })
  competitions!: string[];

  /** Training data window [from, to) on kick-off; null = unbounded. */
  @Property({ type: 'datetime', nullable: true })
  dataFrom: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  dataTo: Date | null = null;

  @Property({ type: 'json' })
  hyperparameters: HyperparameterOverrides & Opt = {};

  @Property({ type: 'json', nullable: true })
  searchSpace: Record<string, number[]> | null = null;

  @Property({ type: 'smallint' })
  evaluationWeeks!: number;

  @Property({ type: 'text' })
  trigger: TrainingTrigger & Opt = 'api';

  @Property({ type: 'text', nullable: true })
  requestedBy: string | null = null;

  @Property({ type: 'smallint', default: 0 })
  progress: number & Opt = 0;

  @Property({ type: 'smallint', default: 0 })
  attempts: number & Opt = 0;

  @Property({ type: 'json' })
  log: TrainingLogLine[] & Opt = [];

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'json', nullable: true })
  timings: TrainingTimings | null = null;

  @Property({ type: 'uuid', nullable: true })
  modelVersionId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  finishedAt: Date | null = null;
}
