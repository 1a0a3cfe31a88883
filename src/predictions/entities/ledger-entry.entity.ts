import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { ServedPrediction } from '../prediction-document';

/**
 * The first prediction each model version served for a match before kick-off, frozen. Entries are
 * append-only and hash-chained: hash = SHA-256 of the previous entry's hash and this entry's
 * canonical JSON (see ledger/hash-chain.ts), so rewriting history breaks every later link.
 * The database also rejects UPDATE and DELETE (a trigger in the migration).
 */
@Entity({ tableName: 'ledger_entries' })
@Unique({ name: 'ledger_entries_match_version_unique', properties: ['matchId', 'modelVersionId'] })
@Index({ name: 'ledger_entries_version_idx', properties: ['modelVersionId', 'seq'] })
export class LedgerEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  @Property()
  matchId!: number;

  @Property({ type: 'uuid' })
  modelVersionId!: string;

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
