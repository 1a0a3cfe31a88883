import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';
import type { OutcomeProbabilities } from '../../modelling';
import { LedgerEntry } from './ledger-entry.entity';

/** The score of one ledger entry once its match finished (re-scored if a result is corrected). */
@Entity({ tableName: 'ledger_scores' })
export class LedgerScore {
  @OneToOne(() => LedgerEntry, {
    primary: true,
    fieldName: 'seq',
    foreignKeyName: 'ledger_scores_entry_foreign',
    updateRule: 'no action',
    deleteRule: 'no action',
  })
  entry!: LedgerEntry;

  @Property({ type: 'smallint' })
  homeGoals!: number;

  @Property({ type: 'smallint' })
  awayGoals!: number;

  @Property({ type: 'text' })
  outcome!: 'home' | 'draw' | 'away';

  @Property({ type: 'double' })
  rps!: number;

  @Property({ type: 'double' })
  logLoss!: number;

  @Property({ type: 'double' })
  brier!: number;

  @Property()
  correct!: boolean;

  /** The market's margin-free probabilities (closing line, else opening) and their RPS. */
  @Property({ type: 'json', nullable: true })
  marketProbabilities: OutcomeProbabilities | null = null;

  @Property({ type: 'double', nullable: true })
  marketRps: number | null = null;

  @Property({ type: 'datetime' })
  evaluatedAt: Date & Opt = new Date();
}
