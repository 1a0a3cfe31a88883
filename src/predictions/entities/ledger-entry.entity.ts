import {
  Entity,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { ModelVersion } from '../../training/entities';
import type { ServedPrediction } from '../prediction-document';

/** Raised by the trigger below for every UPDATE or DELETE, whoever runs it. */
const REFUSE = `raise exception 'ledger entries are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';`;

/**
 * The first prediction each model version served for a match before kick-off, frozen. Entries are
 * append-only and hash-chained: hash = SHA-256 of the previous entry's hash and this entry's
 * canonical JSON (see ledger/hash-chain.ts), so rewriting history breaks every later link.
 * The database also rejects UPDATE, DELETE and TRUNCATE (triggers).
 *
 * The ledger is read and written with SQL only (see ledger.service.ts); this entity exists so that
 * schema diffs know its constraints, index and trigger and never propose dropping them.
 */
@Entity({
  tableName: 'ledger_entries',
  // The TRUNCATE trigger lives in the migration only: introspection does not see TRUNCATE triggers.
  triggers: [
    {
      name: 'ledger_entries_no_update_or_delete',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: REFUSE,
    },
  ],
})
@Unique({ name: 'ledger_entries_match_version_unique', properties: ['matchId', 'modelVersion'] })
@Index({ name: 'ledger_entries_version_idx', properties: ['modelVersion', 'seq'] })
@Index({ name: 'ledger_entries_competition_kickoff_idx', properties: ['competition', 'kickoff'] })
export class LedgerEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  @Property()
  matchId!: number;

  @ManyToOne(() => ModelVersion, {
    fieldName: 'model_version_id',
    foreignKeyName: 'ledger_entries_version_foreign',
    updateRule: 'no action',
    deleteRule: 'no action',
  })
  modelVersion!: ModelVersion;

  @Property({ type: 'text' })
  competition!: string;

  @Property({ type: 'datetime' })
  kickoff!: Date;

  @Property({ type: 'datetime' })
  servedAt!: Date;

  @Property({ type: 'json' })
  prediction!: ServedPrediction;

  @Property({ type: 'text' })
  previousHash!: string;

  @Property({ type: 'text', unique: 'ledger_entries_hash_unique' })
  hash!: string;
}
