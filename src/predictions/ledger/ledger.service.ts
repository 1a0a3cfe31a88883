import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inNativeTransaction, nativeQuery } from '../../infrastructure/database/native-sql';
import type { ServedPrediction } from '../prediction-document';
import {
  entryHash,
  GENESIS_HASH,
  verifyEntries,
  type ChainBreak,
  type ChainedEntry,
} from './hash-chain';
import { VOID_REASON_SQL, type VoidReason } from './void-reason';

/** Serialises appends across replicas: one chain, one writer at a time. */
const CHAIN_LOCK = 7_243_901;
const PAGE = 2000;
const REMEMBERED = 100_000;

interface EntryRow {
  seq: string;
  match_id: number;
  model_version_id: string;
  competition: string;
  kickoff: Date;
  served_at: Date;
  prediction: ServedPrediction;
  previous_hash: string;
  hash: string;
}

export interface ExportedEntry extends ChainedEntry {
  score: {
    homeGoals: number;
    awayGoals: number;
    outcome: string;
    rps: number;
    logLoss: number;
    brier: number;
  } | null;
  /** Why an unscored entry never will be (see VOID_REASON_SQL); absent otherwise. */
  void?: VoidReason;
}

export interface VerifyResult {
  valid: boolean;
  entries: number;
  lastHash: string;
  broken?: ChainBreak;
}

const toChained = (r: EntryRow): ChainedEntry => ({
  seq: String(r.seq),
  matchId: r.match_id,
  modelVersionId: r.model_version_id,
  competition: r.competition,
  kickoff: new Date(r.kickoff).toISOString(),
  servedAt: new Date(r.served_at).toISOString(),
  prediction: r.prediction,
  previousHash: r.previous_hash,
  hash: r.hash,
});

/** The append-only, hash-chained record of the first prediction each version served per match. */
@Injectable()
export class LedgerService {
  /** (match, version) pairs known to be frozen, so serving skips the database after the first. */
  private readonly frozen = new Set<string>();

  constructor(private readonly em: EntityManager) {}

  /** Freezes the prediction unless this version already has an entry for the match. */
  async freeze(prediction: ServedPrediction, servedAt: Date): Promise<boolean> {
    const key = `${prediction.match.id}:${prediction.model.versionId}`;
    if (this.frozen.has(key)) return false;
    const created = await inNativeTransaction(this.em, async (client) => {
      // The server's own durability, not the bulk writes' asynchronous commit: a prediction is
      // served once frozen, and a database crash must not take the entry back.
      await client.query('set local synchronous_commit to default');
      await client.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
      const existing = await client.query(
        'select 1 from ledger_entries where match_id = $1 and model_version_id = $2',
        [prediction.match.id, prediction.model.versionId],
      );
      if (existing.rowCount) return false;
      const last = await client.query<{ seq: string; hash: string }>(
        'select seq, hash from ledger_entries order by seq desc limit 1',
      );
      const seq = String(last.rows.length > 0 ? BigInt(last.rows[0].seq) + 1n : 1n);
      const previousHash = last.rows[0]?.hash ?? GENESIS_HASH;
      const fields = {
        seq,
        matchId: prediction.match.id,
        modelVersionId: prediction.model.versionId,
        competition: prediction.match.competition,
        kickoff: prediction.match.kickoff,
        servedAt: servedAt.toISOString(),
        prediction,
      };
      await client.query(
        `insert into ledger_entries (seq, match_id, model_version_id, competition, kickoff, served_at,
           prediction, previous_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          seq,
          fields.matchId,
          fields.modelVersionId,
          fields.competition,
          fields.kickoff,
          fields.servedAt,
          JSON.stringify(prediction),
          previousHash,
          entryHash(previousHash, fields),
        ],
      );
      return true;
    });
    if (this.frozen.size >= REMEMBERED) this.frozen.clear();
    this.frozen.add(key);
    return created;
  }

  /** The prediction this version froze for the match, and when, if it froze one. */
  async frozenPrediction(
    matchId: number,
    versionId: string,
  ): Promise<{ prediction: ServedPrediction; servedAt: Date } | undefined> {
    const [row] = await nativeQuery<Pick<EntryRow, 'prediction' | 'served_at'>>(
      this.em,
      'select prediction, served_at from ledger_entries where match_id = $1 and model_version_id = $2',
      [matchId, versionId],
    );
    return row ? { prediction: row.prediction, servedAt: new Date(row.served_at) } : undefined;
  }

  /** Recomputes the whole chain; the first broken link is named. */
  async verify(): Promise<VerifyResult> {
    let previousHash = GENESIS_HASH;
    let entries = 0;
    let after = '0';
    for (;;) {
      const rows = await this.page(after);
      if (rows.length === 0) break;
      const result = verifyEntries(rows.map(toChained), previousHash);
      if (result.broken) {
        // Count the entries before the broken one.
        entries += rows.findIndex((r) => String(r.seq) === result.broken?.seq);
        return { valid: false, entries, lastHash: result.lastHash, broken: result.broken };
      }
      entries += rows.length;
      previousHash = result.lastHash;
      after = String(rows[rows.length - 1].seq);
    }
    return { valid: true, entries, lastHash: previousHash };
  }

  /** Every entry in order with its score, page by page (for streaming). */
  async *export(): AsyncGenerator<ExportedEntry> {
    let after = '0';
    for (;;) {
      const rows = await nativeQuery<
        EntryRow & { score: ExportedEntry['score']; void_reason: VoidReason | null }
      >(
        this.em,
        `select e.*, case when s.seq is null then null else json_build_object(
            'homeGoals', s.home_goals, 'awayGoals', s.away_goals, 'outcome', s.outcome,
            'rps', s.rps, 'logLoss', s.log_loss, 'brier', s.brier) end as score,
            case when s.seq is null then ${VOID_REASON_SQL} end as void_reason
         from ledger_entries e left join ledger_scores s on s.seq = e.seq
           left join matches m on m.id = e.match_id
         where e.seq > $1 order by e.seq limit $2`,
        [after, PAGE],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        const entry: ExportedEntry = { ...toChained(row), score: row.score };
        if (row.void_reason) entry.void = row.void_reason;
        yield entry;
      }
      after = String(rows[rows.length - 1].seq);
    }
  }

  private page(after: string): Promise<EntryRow[]> {
    return nativeQuery<EntryRow>(
      this.em,
      'select * from ledger_entries where seq > $1 order by seq limit $2',
      [after, PAGE],
    );
  }
}
