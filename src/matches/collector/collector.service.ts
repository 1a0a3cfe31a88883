import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager, PostgreSqlConnection } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient } from 'pg';
import type { CollectorSourceConfig } from '../../config/collector-sources';
import { AppConfig } from '../../config/app-config';
import { NotFoundProblem, ProblemException } from '../../common/problem/problem.exception';
import { nativeQuery } from '../../infrastructure/database/native-sql';
import { METRICS } from '../../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../../infrastructure/metrics/metrics.service';
import { JobQueue } from '../../infrastructure/queue/job-queue';
import {
  BreakerState,
  CollectorSource,
  FeedValidator,
  FeedValidators,
  PollCounts,
  PollOutcome,
} from '../entities/collector.entity';
import { IngestionService } from '../imports/ingestion.service';
import { bodyOf, ConditionalFetch, fetchSource, SourceRefused } from '../imports/source-fetcher';
import { CircuitBreaker, BreakerStatus } from './circuit-breaker';
import { FeedProvider, FeedRefused } from './feed-provider';
import { FEED_PROVIDER_IMPLEMENTATIONS } from './providers';

export const COLLECTOR_QUEUE = 'collector-poll';
/** First key of the per-source advisory locks (the second is the source id's hash). */
const LOCK_NAMESPACE = 0x0c011ec7;
const POLL_LOG_RETENTION = '30 days';
const BREAKER_GAUGE: Record<BreakerState, number> = {
  [BreakerState.Closed]: 0,
  [BreakerState.HalfOpen]: 1,
  [BreakerState.Open]: 2,
};

export type PollTrigger = 'schedule' | 'manual';

export interface PollResult {
  sourceId: string;
  trigger: PollTrigger;
  outcome: PollOutcome;
  reason: string | null;
  attempts: number;
  counts: PollCounts | null;
  startedAt: Date;
  durationMs: number;
}

/** The source is being polled by another process (or this one) right now. */
export class PollInProgress extends ProblemException {
  constructor(sourceId: string) {
    super(409, 'poll-in-progress', 'Poll in progress', `source ${sourceId} is being polled now`);
  }
}

/**
 * Polls the configured live sources: each on its own interval as a repeatable job (each tick
 * runs once whatever the number of worker replicas), one poll of a source at a time across all
 * processes (a PostgreSQL advisory lock), with a timeout, retries with backoff and a circuit
 * breaker per source. A poll whose source answers an error, HTML or garbage is recorded as
 * failed with the reason and stores nothing; a good poll goes through ingestion (idempotent
 * upsert by source key, status moves, odds movements, match.updated / match.finished events).
 */
@Injectable()
export class CollectorService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CollectorService.name);
  private readonly polls;
  private readonly duration;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
    private readonly ingestion: IngestionService,
    metrics: MetricsService,
  ) {
    this.polls = metrics.counter(METRICS.collectorPolls);
    this.duration = metrics.histogram(METRICS.collectorPollDuration);
    metrics.gauge(METRICS.collectorBreakerState, async (gauge) => {
      gauge.reset();
      const now = new Date();
      for (const state of await this.states()) {
        const settings = this.sources.find((source) => source.id === state.id)?.breaker;
        const reported = CircuitBreaker.reported(breakerStatus(state), settings, now);
        gauge.set({ source: state.id }, BREAKER_GAUGE[reported]);
      }
    });
    metrics.gauge(METRICS.collectorLastSuccess, async (gauge) => {
      gauge.reset();
      for (const state of await this.states()) {
        if (state.lastSuccessAt)
          gauge.set({ source: state.id }, state.lastSuccessAt.getTime() / 1000);
      }
    });
  }

  get sources(): CollectorSourceConfig[] {
    return this.config.collectorSources;
  }

  /**
   * Declares each source's schedule (every replica does; each tick runs once). Nothing is read
   * or written in the database here, so the CLI can boot the app to migrate an empty schema.
   */
  async onApplicationBootstrap(): Promise<void> {
    const sources = this.sources;
    this.queue.process<{ sourceId: string }, PollResult | null>(
      COLLECTOR_QUEUE,
      async ({ data }) => {
        if (!sources.some((source) => source.id === data.sourceId)) {
          // A source removed from the configuration: its schedule goes with it.
          await this.queue.unschedule(COLLECTOR_QUEUE, jobName(data.sourceId));
          return null;
        }
        return this.poll(data.sourceId, 'schedule');
      },
    );
    // Not awaited: a start must not wait for Redis (readiness reports it, and the API serves
    // meanwhile); Bull sends the schedules once connected.
    for (const source of sources) {
      void this.queue
        .scheduleEvery(
          COLLECTOR_QUEUE,
          jobName(source.id),
          Math.round(source.intervalSeconds * 1000),
          { sourceId: source.id },
        )
        .catch((error: unknown) =>
          this.logger.error({ err: error, source: source.id }, 'could not schedule the polls'),
        );
    }
    if (sources.length > 0) {
      this.logger.log(
        `collecting from ${sources.map((s) => `${s.id} (${s.provider}, every ${s.intervalSeconds} s)`).join(', ')}`,
      );
    }
  }

  /** The state of every configured source (never polled: a fresh state) and of past ones. */
  async sourceStates(): Promise<CollectorSource[]> {
    const stored = new Map((await this.states()).map((state) => [state.id, state]));
    for (const source of this.sources) {
      if (stored.has(source.id)) continue;
      const fresh = new CollectorSource();
      fresh.id = source.id;
      fresh.provider = source.provider;
      stored.set(source.id, fresh);
    }
    return [...stored.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Every stored source state (configured or not), by id. */
  async states(): Promise<CollectorSource[]> {
    return this.em.fork().find(CollectorSource, {}, { orderBy: { id: 'asc' } });
  }

  async recentPolls(sourceId: string, limit: number): Promise<PollResult[]> {
    const rows = await nativeQuery<{
      source_id: string;
      trigger: PollTrigger;
      outcome: PollOutcome;
      reason: string | null;
      attempts: number;
      counts: PollCounts | null;
      started_at: Date | string;
      duration_ms: number;
    }>(
      this.em,
      `select * from collector_polls where source_id = $1 order by started_at desc, id desc limit $2`,
      [sourceId, limit],
    );
    return rows.map((row) => ({
      sourceId: row.source_id,
      trigger: row.trigger,
      outcome: row.outcome,
      reason: row.reason,
      attempts: row.attempts,
      counts: row.counts,
      startedAt: new Date(row.started_at),
      durationMs: row.duration_ms,
    }));
  }

  /**
   * Polls one source now. A manual poll of a source being polled elsewhere answers 409; a
   * scheduled one is recorded as skipped. A manual poll on an open breaker is its trial.
   */
  async poll(sourceId: string, trigger: PollTrigger): Promise<PollResult> {
    const source = this.sources.find((s) => s.id === sourceId);
    if (!source) throw new NotFoundProblem('collector source', sourceId);
    try {
      return await this.pollSource(source, trigger);
    } catch (error) {
      // A feed's failure is a recorded poll (logged as a warning): what gets here is ours (a
      // database error, a bug while storing). A scheduled poll's job would fail unheard.
      if (!(error instanceof ProblemException)) {
        this.logger.error(
          { err: error, source: source.id, trigger, fault: 'service' },
          'poll failed on our side, not the feed',
        );
      }
      throw error;
    }
  }

  private async pollSource(
    source: CollectorSourceConfig,
    trigger: PollTrigger,
  ): Promise<PollResult> {
    const sourceId = source.id;
    const startedAt = new Date();
    const lock = await this.tryLock(sourceId);
    if (!lock) {
      if (trigger === 'manual') throw new PollInProgress(sourceId);
      return this.record(source, trigger, startedAt, { outcome: PollOutcome.SkippedBusy });
    }
    try {
      await nativeQuery(
        this.em,
        `insert into collector_sources (id, provider, updated_at) values ($1, $2, now())
         on conflict (id) do update set provider = excluded.provider`,
        [source.id, source.provider],
      );
      const state = await this.em.fork().findOneOrFail(CollectorSource, { id: sourceId });
      const breaker = breakerStatus(state);
      if (!CircuitBreaker.admits(breaker, source.breaker, startedAt, trigger === 'manual')) {
        return await this.record(source, trigger, startedAt, {
          outcome: PollOutcome.SkippedBreakerOpen,
          reason: `circuit breaker open since ${breaker.openedAt?.toISOString()}`,
        });
      }
      if (breaker.state === BreakerState.Open) {
        // The trial poll: stored half-open while it runs, so every replica reports it; its
        // outcome (recorded below) closes or reopens the breaker.
        await nativeQuery(
          this.em,
          `update collector_sources set breaker_state = 'half-open' where id = $1`,
          [source.id],
        );
      }
      const provider = FEED_PROVIDER_IMPLEMENTATIONS[source.provider];
      let attempts = 0;
      try {
        const configuration = configurationOf(source);
        const stored =
          state.feedValidators?.configuration === configuration ? state.feedValidators.bodies : [];
        const fetched = await this.fetchAll(provider, source, stored);
        attempts = fetched.attempts;
        const validators = { configuration, bodies: fetched.validators };
        if (!fetched.bodies) {
          return await this.record(source, trigger, startedAt, {
            outcome: PollOutcome.Unchanged,
            attempts,
            breaker: CircuitBreaker.afterSuccess(),
            validators,
          });
        }
        const parsed = provider.normalise(fetched.bodies, source);
        const report = await this.ingestion.importParsed(parsed);
        const { counts } = report;
        const pollCounts: PollCounts = {
          rowsRead: counts.rowsRead,
          matchesInserted: counts.matchesInserted,
          matchesUpdated: counts.matchesUpdated,
          matchesUnchanged: counts.matchesUnchanged,
          oddsWritten: counts.oddsWritten,
          rowsRejected: counts.rowsRejected,
        };
        const firstError = report.issues.find((issue) => issue.severity === 'error');
        return await this.record(source, trigger, startedAt, {
          outcome: PollOutcome.Succeeded,
          attempts,
          counts: pollCounts,
          reason: firstError
            ? `${counts.rowsRejected} row(s) rejected, e.g. row ${firstError.line}: ${firstError.reason}`
            : null,
          breaker: CircuitBreaker.afterSuccess(),
          validators,
        });
      } catch (error) {
        const reason = failureReason(error);
        if (reason === undefined) throw error;
        attempts = (error as { attempts?: number }).attempts ?? attempts;
        this.logger.warn(
          { source: sourceId, reason, fault: 'feed' },
          'poll failed; nothing stored',
        );
        return await this.record(source, trigger, startedAt, {
          outcome: PollOutcome.Failed,
          attempts,
          reason,
          breaker: CircuitBreaker.afterFailure(
            { ...breaker, state: CircuitBreaker.duringPoll(breaker) },
            source.breaker,
            new Date(),
          ),
        });
      }
    } finally {
      await lock.release();
    }
  }

  /**
   * Each URL of the poll, conditional on what the last stored poll read. When every URL answers
   * 304 or the same bytes, the poll has nothing new (`bodies` undefined). Otherwise the provider
   * gets every body, since it may read them together: a URL that answered 304 is read again.
   */
  private async fetchAll(
    provider: FeedProvider,
    source: CollectorSourceConfig,
    stored: FeedValidator[],
  ): Promise<{ bodies?: Buffer[]; validators: FeedValidator[]; attempts: number }> {
    const urls = provider.urls(source);
    const tally = { attempts: 0 };
    const fetch = (i: number, conditional: boolean) =>
      this.fetchWithRetries(provider, source, urls[i], conditional ? stored[i] : undefined, tally);
    const fetched: ConditionalFetch[] = [];
    for (const i of urls.keys()) fetched.push(await fetch(i, true));
    const read = fetched.map((f, i) =>
      f.notModified ? stored[i] : { ...f.validators, sha256: sha256(f.body) },
    );
    if (read.every((validator, i) => validator.sha256 === stored[i]?.sha256)) {
      // Kept with the validators just received: a source that starts sending an ETag gets 304s.
      return { validators: read, attempts: tally.attempts };
    }
    const bodies: Buffer[] = [];
    for (const [i, f] of fetched.entries()) {
      if (!f.notModified) {
        bodies.push(f.body);
        continue;
      }
      const again = bodyOf(urls[i], await fetch(i, false));
      read[i] = { ...again.validators, sha256: sha256(again.body) };
      bodies.push(again.body);
    }
    return { bodies, validators: read, attempts: tally.attempts };
  }

  /**
   * One URL, retried with exponential backoff; the poll fails if it cannot be read. Attempts are
   * counted in `tally` across the poll's URLs, and a failure carries the count.
   */
  private async fetchWithRetries(
    provider: FeedProvider,
    source: CollectorSourceConfig,
    url: string,
    stored: FeedValidator | undefined,
    tally: { attempts: number },
  ): Promise<ConditionalFetch> {
    for (let attempt = 0; ; attempt++) {
      tally.attempts += 1;
      try {
        // Sources come from the operator's configuration: any address they name is theirs.
        const limits = {
          timeoutMs: source.timeoutMs,
          maxBytes: this.config.importMaxUploadBytes,
          expected: provider.expects,
        };
        return await fetchSource(url, limits, stored);
      } catch (error) {
        if (!(error instanceof SourceRefused) || attempt >= source.retries) {
          throw Object.assign(error as Error, { attempts: tally.attempts });
        }
        await sleep(source.retryBackoffMs * 2 ** attempt);
      }
    }
  }

  private async record(
    source: CollectorSourceConfig,
    trigger: PollTrigger,
    startedAt: Date,
    result: {
      outcome: PollOutcome;
      reason?: string | null;
      attempts?: number;
      counts?: PollCounts;
      breaker?: BreakerStatus;
      /** What the stored data was read from (a failed poll keeps the last ones). */
      validators?: FeedValidators;
    },
  ): Promise<PollResult> {
    const durationMs = Date.now() - startedAt.getTime();
    const polled: PollResult = {
      sourceId: source.id,
      trigger,
      outcome: result.outcome,
      reason: result.reason ?? null,
      attempts: result.attempts ?? 0,
      counts: result.counts ?? null,
      startedAt,
      durationMs,
    };
    await nativeQuery(
      this.em,
      `insert into collector_polls (source_id, trigger, outcome, reason, attempts, counts, started_at, duration_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        source.id,
        trigger,
        polled.outcome,
        polled.reason,
        polled.attempts,
        polled.counts ? JSON.stringify(polled.counts) : null,
        startedAt,
        durationMs,
      ],
    );
    // The poll log is for diagnosis, not history: a month per source is plenty.
    await nativeQuery(
      this.em,
      `delete from collector_polls where source_id = $1 and started_at < now() - interval '${POLL_LOG_RETENTION}'`,
      [source.id],
    );
    // An unchanged source answered: a success for the breaker and the staleness alert.
    const succeeded =
      result.outcome === PollOutcome.Succeeded || result.outcome === PollOutcome.Unchanged;
    const failed = result.outcome === PollOutcome.Failed;
    if (succeeded || failed) {
      const breaker = result.breaker!;
      await nativeQuery(
        this.em,
        `update collector_sources set
           last_poll_at = $2, updated_at = now(),
           last_success_at = case when $3 then $2 else last_success_at end,
           last_counts = coalesce($4::jsonb, last_counts),
           feed_validators = coalesce($9::jsonb, feed_validators),
           last_error = case when $3 then last_error else $5 end,
           last_error_at = case when $3 then last_error_at else $2 end,
           polls_succeeded = polls_succeeded + (case when $3 then 1 else 0 end),
           polls_failed = polls_failed + (case when $3 then 0 else 1 end),
           consecutive_failures = $6, breaker_state = $7, breaker_opened_at = $8
         where id = $1`,
        [
          source.id,
          startedAt,
          succeeded,
          polled.counts ? JSON.stringify(polled.counts) : null,
          polled.reason,
          breaker.consecutiveFailures,
          breaker.state,
          breaker.openedAt,
          result.validators ? JSON.stringify(result.validators) : null,
        ],
      );
    }
    this.polls.inc({ source: source.id, outcome: result.outcome });
    this.duration.observe({ source: source.id, outcome: result.outcome }, durationMs / 1000);
    return polled;
  }

  /** A session-level advisory lock on a dedicated connection, held for the whole poll. */
  private async tryLock(sourceId: string): Promise<{ release(): Promise<void> } | undefined> {
    const pool = await (this.em.getConnection() as PostgreSqlConnection).getNativeClient();
    const client: PoolClient = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'select pg_try_advisory_lock($1, hashtext($2)) as locked',
        [LOCK_NAMESPACE, sourceId],
      );
      if (!rows[0].locked) {
        client.release();
        return undefined;
      }
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    return {
      release: async () => {
        try {
          await client.query('select pg_advisory_unlock($1, hashtext($2))', [
            LOCK_NAMESPACE,
            sourceId,
          ]);
          client.release();
        } catch (error) {
          // Dropping the connection ends the session, and the lock with it.
          client.release(error as Error);
        }
      },
    };
  }
}

function jobName(sourceId: string): string {
  return `poll:${sourceId}`;
}

/** Why the source's answer is not data, or undefined for an error of ours (rethrown). */
function failureReason(error: unknown): string | undefined {
  if (!(error instanceof SourceRefused) && !(error instanceof FeedRefused)) return undefined;
  // A body's bytes may be quoted in the reason: keep it printable, storable and short.
  // eslint-disable-next-line no-control-regex
  const printable = error.message.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 500 ? `${printable.slice(0, 497)}...` : printable;
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** A fingerprint of the source's configuration: stored validators hold only under the same one. */
function configurationOf(source: CollectorSourceConfig): string {
  return createHash('sha256').update(JSON.stringify(source)).digest('hex');
}

/** The breaker as stored with a source. */
function breakerStatus(state: CollectorSource): BreakerStatus {
  return {
    state: state.breakerState,
    consecutiveFailures: state.consecutiveFailures,
    openedAt: state.breakerOpenedAt,
  };
}
