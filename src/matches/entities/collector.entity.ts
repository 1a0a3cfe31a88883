import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';

export enum BreakerState {
  Closed = 'closed',
  Open = 'open',
  HalfOpen = 'half-open',
}

export enum PollOutcome {
  Succeeded = 'succeeded',
  Failed = 'failed',
  /** The circuit breaker is open: the source was not asked. */
  SkippedBreakerOpen = 'skipped-breaker-open',
  /** Another process was polling the source: this poll did not run. */
  SkippedBusy = 'skipped-busy',
  /**
   * The source answered, with what the last successful poll already stored (HTTP 304, or the
   * same bytes): nothing was parsed or written. A success for the breaker.
   */
  Unchanged = 'unchanged',
}

export interface PollCounts {
  rowsRead: number;
  matchesInserted: number;
  matchesUpdated: number;
  matchesUnchanged: number;
  oddsWritten: number;
  rowsRejected: number;
}

/** What identifies a feed body already stored, per URL, for conditional requests. */
export interface FeedValidator {
  etag?: string;
  lastModified?: string;
  /** SHA-256 of the body (hex): a source without validators still answers the same bytes. */
  sha256: string;
}

export interface FeedValidators {
  /** Of the source's configuration when stored: a changed configuration reads everything again. */
  configuration: string;
  /**
   * One per URL of the poll, in the provider's order (by position, not by URL: a feed URL may
   * carry an API key, which has no business in the database).
   */
  bodies: FeedValidator[];
}

/**
 * The state of one configured live source, shared by every replica: when it was polled, its last
 * success and error, and its circuit breaker. The configuration itself lives in COLLECTOR_SOURCES.
 */
@Entity({ tableName: 'collector_sources' })
export class CollectorSource {
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  provider!: string;

  @Property({ type: 'datetime', nullable: true })
  lastPollAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  lastSuccessAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  lastErrorAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'int', default: 0 })
  consecutiveFailures: number & Opt = 0;

  @Enum({ items: () => BreakerState, nativeEnumName: 'collector_breaker_state' })
  breakerState: BreakerState & Opt = BreakerState.Closed;

  @Property({ type: 'datetime', nullable: true })
  breakerOpenedAt: Date | null = null;

  @Property({ type: 'int', default: 0 })
  pollsSucceeded: number & Opt = 0;

  @Property({ type: 'int', default: 0 })
  pollsFailed: number & Opt = 0;

  /** Counts of the last poll that stored something. */
  @Property({ type: 'json', nullable: true })
  lastCounts: PollCounts | null = null;

  /** The bodies the last poll that stored something read (see FeedValidators). */
  @Property({ type: 'json', nullable: true })
  feedValidators: FeedValidators | null = null;

  @Property({ type: 'datetime' })
  updatedAt: Date & Opt = new Date();
}

/** One poll of one source: its outcome, the reason of a failure, and what it wrote. */
@Entity({ tableName: 'collector_polls' })
@Index({ name: 'collector_polls_source_started_idx', properties: ['sourceId', 'startedAt'] })
export class CollectorPoll {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property({ type: 'text' })
  sourceId!: string;

  /** schedule or manual. */
  @Property({ type: 'text' })
  trigger!: string;

  @Enum({ items: () => PollOutcome, nativeEnumName: 'collector_poll_outcome' })
  outcome!: PollOutcome;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  /** Fetch attempts made (retries included). */
  @Property({ type: 'smallint', default: 0 })
  attempts: number & Opt = 0;

  @Property({ type: 'json', nullable: true })
  counts: PollCounts | null = null;

  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Property({ type: 'int' })
  durationMs!: number;
}
