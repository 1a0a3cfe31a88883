import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { DomainEvents } from '../../common/events/domain-events';
import { inNativeTransaction } from '../../infrastructure/database/native-sql';
import { JobQueue } from '../../infrastructure/queue/job-queue';
import { MatchDataService } from '../../matches/read/match-data.service';
import {
  brierScore,
  logLoss,
  marketProbabilities,
  outcomeOf,
  predictedOutcome,
  rankedProbabilityScore,
  type OutcomeProbabilities,
} from '../../modelling';
import { servedAfterKickoff } from '../ledger/void-reason';
import { ModelOversightService } from './model-oversight.service';

export const EVALUATION_QUEUE = 'evaluation';
const CHUNK = 500;
/** First key of the per-match scoring locks (pg_advisory_xact_lock(SCORING_LOCK, match id)). */
const SCORING_LOCK = 7_243_902;

interface EntryToScore {
  seq: string;
  match_id: number;
  model_version_id: string;
  served_at: Date;
  result: OutcomeProbabilities;
}

/**
 * Scores frozen predictions when their matches finish: an evaluation job per batch of finished
 * matches (from imports or the collector), then the champion/challenger checks of the scopes hit.
 */
@Injectable()
export class EvaluationService implements OnModuleInit {
  private readonly logger = new Logger(EvaluationService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
    private readonly events: DomainEvents,
    private readonly matchData: MatchDataService,
    private readonly oversight: ModelOversightService,
  ) {}

  onModuleInit(): void {
    this.queue.process<{ matchIds: number[] }, number>(EVALUATION_QUEUE, (job) =>
      this.score(job.data.matchIds),
    );
    this.events.on('match.finished', ({ matchIds }) => this.enqueue(matchIds));
    // A match removed as a duplicate is scored again by the same job, which takes its score back.
    this.events.on('match.removed', ({ matchIds }) => this.enqueue(matchIds));
  }

  private async enqueue(matchIds: number[]): Promise<void> {
    for (let i = 0; i < matchIds.length; i += CHUNK) {
      await this.queue.enqueue(
        EVALUATION_QUEUE,
        { matchIds: matchIds.slice(i, i + CHUNK) },
        { attempts: 3, backoffMs: 2000 },
      );
    }
  }

  /**
   * Scores (or re-scores, after a corrected result) every ledger entry of these matches; an
   * entry whose match has no result any more loses its score (pending again, or void), and so
   * does one served at or after the kick-off its match now has (see `servedAfterKickoff`).
   */
  async score(matchIds: number[]): Promise<number> {
    const scored = await inNativeTransaction(this.em, async (client) => {
      // Durable like the ledger itself (bulk writes commit asynchronously).
      await client.query('set local synchronous_commit to default');
      // One job at a time per match, from reading its result to writing its scores: a job that
      // read a result before a correction could otherwise write after the correction's own job
      // and leave the old result scored. Matches in ascending order, so jobs never deadlock.
      const ids = [...new Set(matchIds)].sort((a, b) => a - b);
      await client.query('select pg_advisory_xact_lock($1, id) from unnest($2::int[]) as id', [
        SCORING_LOCK,
        ids,
      ]);
      return this.scoreLocked(client, ids);
    });
    if (scored.versions.length > 0) await this.oversight.afterScoring(scored.versions);
    return scored.rows;
  }

  private async scoreLocked(
    client: PoolClient,
    matchIds: number[],
  ): Promise<{ rows: number; versions: string[] }> {
    const { rows: entries } = await client.query<EntryToScore>(
      `select seq, match_id, model_version_id, served_at,
         prediction->'markets'->'matchResult' as result
       from ledger_entries where match_id = any($1)`,
      [matchIds],
    );
    if (entries.length === 0) return { rows: 0, versions: [] };
    const results = new Map(
      (
        await this.matchData.trainingMatches({
          matchIds: [...new Set(entries.map((e) => e.match_id))],
        })
      ).map((m) => [Number(m.id), m]),
    );
    const rows: unknown[][] = [];
    const withdrawn: string[] = [];
    const late: Array<{ seq: string; matchId: number }> = [];
    for (const entry of entries) {
      const match = results.get(entry.match_id);
      const servedLate = match !== undefined && servedAfterKickoff(entry.served_at, match.kickoff);
      if (!match || servedLate) {
        withdrawn.push(entry.seq);
        if (servedLate) late.push({ seq: entry.seq, matchId: entry.match_id });
        continue;
      }
      const outcome = outcomeOf(match.homeGoals as number, match.awayGoals as number);
      const market = marketProbabilities(match, 'closing') ?? marketProbabilities(match, 'opening');
      rows.push([
        entry.seq,
        match.homeGoals,
        match.awayGoals,
        outcome,
        rankedProbabilityScore(entry.result, outcome),
        logLoss(entry.result, outcome),
        brierScore(entry.result, outcome),
        predictedOutcome(entry.result) === outcome,
        market ? JSON.stringify(market) : null,
        market ? rankedProbabilityScore(market, outcome) : null,
      ]);
    }
    const columns = rows[0] ? rows[0].map((_, i) => rows.map((r) => r[i])) : [];
    if (rows.length > 0) {
      await client.query(
        `insert into ledger_scores (seq, home_goals, away_goals, outcome, rps, log_loss, brier, correct,
           market_probabilities, market_rps, evaluated_at)
         select *, now() from unnest($1::bigint[], $2::smallint[], $3::smallint[], $4::text[],
           $5::float8[], $6::float8[], $7::float8[], $8::boolean[], $9::jsonb[], $10::float8[])
         on conflict (seq) do update set home_goals = excluded.home_goals,
           away_goals = excluded.away_goals, outcome = excluded.outcome, rps = excluded.rps,
           log_loss = excluded.log_loss, brier = excluded.brier, correct = excluded.correct,
           market_probabilities = excluded.market_probabilities, market_rps = excluded.market_rps,
           evaluated_at = excluded.evaluated_at`,
        columns,
      );
    }
    // Scores are kept apart from the append-only entries: a score that no longer stands goes.
    const unscored = await client.query('delete from ledger_scores where seq = any($1::bigint[])', [
      withdrawn,
    ]);
    if (late.length > 0) {
      // Predictions were served as pre-match while the match was already under way: the stored
      // kick-off was later than the real one. Worth a look at the source's fixture times.
      this.logger.warn(
        { entries: late },
        'ledger entries served at or after the kick-off their match now has: never scored',
      );
    }
    const versions = [...new Set(entries.map((e) => e.model_version_id))];
    this.logger.log(
      {
        scored: rows.length,
        unscored: unscored.rowCount ?? 0,
        servedAfterKickoff: late.length,
        matches: results.size,
        versions,
      },
      'ledger entries scored',
    );
    return { rows: rows.length, versions };
  }
}
