/** What a job handler receives: its data, which attempt this is, and a way to report progress. */
export interface JobContext<T> {
  id: string;
  data: T;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  /** Runs allowed in all (EnqueueOptions.attempts): attempt === maxAttempts is the last one. */
  maxAttempts: number;
  reportProgress(percent: number): Promise<void>;
}

export type JobHandler<T = unknown, R = unknown> = (context: JobContext<T>) => Promise<R>;

export interface EnqueueOptions {
  /** Total runs allowed, first included (default 1). */
  attempts?: number;
  /** First retry delay; doubles on each retry (exponential backoff). */
  backoffMs?: number;
  /**
   * The job's id. Enqueueing an id whose job is still waiting, delayed or running adds nothing
   * (idempotent enqueue: a sweeper may re-enqueue work it cannot tell was already queued).
   */
  jobId?: string;
}

export const JOB_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobStatus {
  id: string;
  queue: string;
  state: JobState;
  progress: number;
  attemptsMade: number;
  failedReason?: string;
  result?: unknown;
}

/**
 * One interface for background jobs, implemented by Bull on Redis and by an in-process runner,
 * so a feature is written once and runs with or without Redis.
 */
export abstract class JobQueue {
  /** The backend's name, for health and logs: "bull" or "in-process". */
  abstract readonly backend: string;
  /** Registers the handler for a queue; only processes with the worker role run handlers. */
  abstract process<T, R>(queue: string, handler: JobHandler<T, R>, concurrency?: number): void;
  abstract enqueue<T>(queue: string, data: T, options?: EnqueueOptions): Promise<string>;
  abstract status(queue: string, id: string): Promise<JobStatus | undefined>;
  /**
   * A repeating job on a cron schedule (UTC). Every replica may declare the same schedule: each
   * tick still runs once, on one worker. Declaring it again with another cron replaces it.
   */
  abstract schedule<T>(queue: string, name: string, cron: string, data: T): Promise<void>;
  /**
   * A repeating job every `everyMs` milliseconds (ticks aligned to multiples of it), with the
   * same guarantees as schedule: declared by every replica, each tick runs once. Declaring it
   * again with another interval (or a cron) replaces it.
   */
  abstract scheduleEvery<T>(queue: string, name: string, everyMs: number, data: T): Promise<void>;
  /** Removes a repeating job declared by schedule or scheduleEvery (nothing if there is none). */
  abstract unschedule(queue: string, name: string): Promise<void>;
  /**
   * How many jobs of a queue are in each state (all replicas' with Bull). Completed and failed
   * count the finished jobs the backend still keeps, not every job ever run.
   */
  abstract counts(queue: string): Promise<Record<JobState, number>>;
  /** Throws when the backend cannot take jobs (used by the readiness check). */
  abstract ping(): Promise<void>;
  /**
   * Stops running new jobs in this process and waits for the running ones (shutdown). Enqueueing
   * still works: with Bull another replica runs the jobs.
   */
  abstract stopProcessing(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  abstract close(): Promise<void>;
}
