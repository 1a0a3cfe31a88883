import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { nativeQuery } from '../../infrastructure/database/native-sql';
import { VOID_REASON_SQL } from '../ledger/void-reason';
import {
  outcomeCalibration,
  summariseOutcomes,
  type Outcome,
  type OutcomeMetrics,
  type OutcomeProbabilities,
  type ReliabilityBin,
} from '../../modelling';

interface ScoredRow {
  model_version_id: string;
  kickoff: Date;
  result: OutcomeProbabilities;
  outcome: Outcome;
  rps: number;
  market_rps: number | null;
}

export interface PerformanceFilter {
  versionId?: string;
  competition?: string;
  from?: Date;
  to?: Date;
}

export interface ModelPerformance {
  modelVersionId: string;
  /** Frozen predictions whose matches have finished and been scored. */
  metrics: OutcomeMetrics | null;
  calibration: Record<Outcome, ReliabilityBin[]> | null;
  /** The market (closing line, else opening; Shin) on the same matches, where odds are stored. */
  market: { count: number; rps: number; modelRps: number } | null;
}

export interface Drift {
  window: number;
  count: number;
  rollingRps: number | null;
  expectedRps: number | null;
  /** rollingRps - expectedRps: positive means the model does worse live than in its backtest. */
  difference: number | null;
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Track-record metrics computed from the ledger's scored entries. */
@Injectable()
export class PerformanceService {
  constructor(private readonly em: EntityManager) {}

  async byVersion(filter: PerformanceFilter): Promise<ModelPerformance[]> {
    const rows = await nativeQuery<ScoredRow>(
      this.em,
      `select e.model_version_id, e.kickoff, e.prediction->'markets'->'matchResult' as result,
              s.outcome, s.rps, s.market_rps
       from ledger_entries e join ledger_scores s on s.seq = e.seq
       where ($1::uuid is null or e.model_version_id = $1)
         and ($2::text is null or e.competition = $2)
         and ($3::timestamptz is null or e.kickoff >= $3)
         and ($4::timestamptz is null or e.kickoff < $4)
       order by e.kickoff, e.seq`,
      [
        filter.versionId ?? null,
        filter.competition ?? null,
        filter.from ?? null,
        filter.to ?? null,
      ],
    );
    const byVersion = new Map<string, ScoredRow[]>();
    for (const row of rows) {
      const scored = byVersion.get(row.model_version_id);
      // Appended in place: copying the list per row made a long ledger quadratic.
      if (scored) scored.push(row);
      else byVersion.set(row.model_version_id, [row]);
    }
    if (filter.versionId && !byVersion.has(filter.versionId)) byVersion.set(filter.versionId, []);
    return [...byVersion].map(([modelVersionId, scored]) => summarise(modelVersionId, scored));
  }

  /**
   * The version's frozen predictions not scored yet: `pending` while their match may still get a
   * result, `void` once it never will count (see VOID_REASON_SQL).
   */
  async unscored(versionId: string): Promise<{ pending: number; void: number }> {
    const [row] = await nativeQuery<{ pending: string; void: string }>(
      this.em,
      `select count(*) filter (where ${VOID_REASON_SQL} is null) as pending,
              count(*) filter (where ${VOID_REASON_SQL} is not null) as void
       from ledger_entries e left join matches m on m.id = e.match_id
       where e.model_version_id = $1
         and not exists (select 1 from ledger_scores s where s.seq = e.seq)`,
      [versionId],
    );
    return { pending: Number(row.pending), void: Number(row.void) };
  }

  /** Mean RPS of the version's latest `window` scored predictions against its backtest RPS. */
  async drift(versionId: string, expectedRps: number | null, window: number): Promise<Drift> {
    const rows = await nativeQuery<{ rps: number }>(
      this.em,
      `select s.rps from ledger_entries e join ledger_scores s on s.seq = e.seq
       where e.model_version_id = $1 order by e.kickoff desc, e.seq desc limit $2`,
      [versionId, window],
    );
    const rollingRps = rows.length > 0 ? mean(rows.map((r) => r.rps)) : null;
    return {
      window,
      count: rows.length,
      rollingRps,
      expectedRps,
      difference: rollingRps !== null && expectedRps !== null ? rollingRps - expectedRps : null,
    };
  }

  /**
   * Both versions' RPS on the matches both have scored predictions for, frozen together (a
   * challenger's first prediction freezes the champion's with it): where one froze earlier, the
   * other's was made knowing more (later team news, a later fit), so the pair would not compare
   * like with like.
   */
  async headToHead(a: string, b: string): Promise<{ count: number; rpsA: number; rpsB: number }> {
    const rows = await nativeQuery<{ count: string; rps_a: number | null; rps_b: number | null }>(
      this.em,
      `select count(*) as count, avg(sa.rps) as rps_a, avg(sb.rps) as rps_b
       from ledger_entries ea join ledger_scores sa on sa.seq = ea.seq
       join ledger_entries eb on eb.match_id = ea.match_id and eb.model_version_id = $2
         and eb.served_at = ea.served_at
       join ledger_scores sb on sb.seq = eb.seq
       where ea.model_version_id = $1`,
      [a, b],
    );
    return { count: Number(rows[0].count), rpsA: rows[0].rps_a ?? NaN, rpsB: rows[0].rps_b ?? NaN };
  }
}

function summarise(modelVersionId: string, rows: ScoredRow[]): ModelPerformance {
  if (rows.length === 0) return { modelVersionId, metrics: null, calibration: null, market: null };
  const forecasts = rows.map((r) => ({ probabilities: r.result, outcome: r.outcome }));
  const calibration = outcomeCalibration(forecasts);
  const withMarket = rows.filter((r) => r.market_rps !== null);
  return {
    modelVersionId,
    metrics: summariseOutcomes(forecasts),
    calibration: {
      home: calibration.perOutcome.home.bins,
      draw: calibration.perOutcome.draw.bins,
      away: calibration.perOutcome.away.bins,
    },
    market:
      withMarket.length > 0
        ? {
            count: withMarket.length,
            rps: mean(withMarket.map((r) => r.market_rps as number)),
            modelRps: mean(withMarket.map((r) => r.rps)),
          }
        : null,
  };
}
