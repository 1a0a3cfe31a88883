import Bull from 'bull';
import { EnqueueOptions, JobHandler, JobQueue, JobState, JobStatus } from './job-queue';

/**
 * Retry delays that double (backoff, 2x, 4x, ...), as EnqueueOptions promises and the in-process
 * queue does; Bull's own "exponential" waits 1x, 3x, 7x, ... the delay.
 */
const DOUBLING = 'doubling';
const backoffStrategies = {
  [DOUBLING]: (attemptsMade: number, _error: Error, options?: { delayMs?: number }) =>
    (options?.delayMs ?? 1000) * 2 ** (attemptsMade - 1),
};

/** Bull on Redis: jobs survive restarts and are shared by every replica. */
export class BullJobQueue extends JobQueue {
  readonly backend = 'bull';
  private readonly queues = new Map<string, Bull.Queue>();
  /** Queues this process runs jobs of (a local pause stops exactly these). */
  private readonly processing = new Set<string>();

  constructor(
    private readonly redisUrl: string,
    /** False in the api role: it only enqueues, the worker replicas run the jobs. */
    private readonly runsWorkers: boolean,
    private readonly prefix = 'oracxpred',
  ) {
    super();
  }

  process<T, R>(queue: string, handler: JobHandler<T, R>, concurrency = 1): void {
    if (!this.runsWorkers) return;
    this.processing.add(queue);
    void this.queue(queue).process(concurrency, (job) =>
      handler({
        id: String(job.id),
        data: job.data as T,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        reportProgress: (percent) => job.progress(Math.round(percent)),
      }),
    );
  }

  async enqueue<T>(queue: string, data: T, options: EnqueueOptions = {}): Promise<string> {
    const bull = this.queue(queue);
    if (options.jobId !== undefined) {
      // Bull adds nothing for an id it still keeps, even of a finished job (removeOnFail keeps
      // thousands): a sweeper could then never queue again work whose job failed for good.
      const earlier = await bull.getJob(options.jobId);
      if (earlier && ['failed', 'completed'].includes(await earlier.getState())) {
        // Another replica may have removed it and queued the id again meanwhile: add() then
        // adds nothing, as for any job still to run.
        await earlier.remove().catch(() => undefined);
      }
    }
    const job = await bull.add(data, {
      ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
      attempts: options.attempts ?? 1,
      backoff: { type: DOUBLING, options: { delayMs: options.backoffMs ?? 1000 } },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
    return String(job.id);
  }

  async schedule<T>(queue: string, name: string, cron: string, data: T): Promise<void> {
    const bull = this.queue(queue);
    // Bull keys a repeatable job by (name, jobId, cron); drop older crons of this schedule.
    for (const job of await bull.getRepeatableJobs()) {
      if (job.id === name && job.cron !== cron) await bull.removeRepeatableByKey(job.key);
    }
    // Each tick's job id is derived from the schedule and the tick time, so replicas that
    // declared the same schedule add the same job once.
    await bull.add(data, {
      repeat: { cron, tz: 'UTC' },
      jobId: name,
      removeOnComplete: 100,
      removeOnFail: 100,
    });
  }

  async scheduleEvery<T>(queue: string, name: string, everyMs: number, data: T): Promise<void> {
    const bull = this.queue(queue);
    for (const job of await bull.getRepeatableJobs()) {
      if (job.id === name && job.every !== everyMs) await bull.removeRepeatableByKey(job.key);
    }
    // As with crons, each tick's job id comes from the schedule and the tick time: one job a tick.
    await bull.add(data, {
      repeat: { every: everyMs },
      jobId: name,
      removeOnComplete: 100,
      removeOnFail: 100,
    });
  }

  async unschedule(queue: string, name: string): Promise<void> {
    const bull = this.queue(queue);
    for (const job of await bull.getRepeatableJobs()) {
      if (job.id === name) await bull.removeRepeatableByKey(job.key);
    }
  }

  async status(queue: string, id: string): Promise<JobStatus | undefined> {
    let job = await this.queue(queue).getJob(id);
    if (!job) return undefined;
    const raw = (await job.getState()) as string;
    const state = (raw === 'paused' || raw === 'stuck' ? 'waiting' : raw) as JobState;
    // The job may have finished between the two reads: read it again so a finished state never
    // comes with the stale result and progress of the running job.
    if ((state === 'completed' || state === 'failed') && !job.finishedOn) {
      job = (await this.queue(queue).getJob(id)) ?? job;
    }
    return {
      id,
      queue,
      state,
      progress: state === 'completed' ? 100 : Number(job.progress()) || 0,
      // Bull counts failed attempts only; count the running or successful one too, as in-process does.
      attemptsMade: job.attemptsMade + (state === 'active' || state === 'completed' ? 1 : 0),
      failedReason: job.failedReason,
      result: state === 'completed' ? job.returnvalue : undefined,
    };
  }

  async counts(queue: string): Promise<Record<JobState, number>> {
    const counts = (await this.queue(queue).getJobCounts()) as Bull.JobCounts & { paused?: number };
    return {
      waiting: counts.waiting + (counts.paused ?? 0),
      active: counts.active,
      completed: counts.completed,
      failed: counts.failed,
      delayed: counts.delayed,
    };
  }

  async stopProcessing(): Promise<void> {
    // A local pause: this process takes no new job and waits for its running ones; the jobs
    // still waiting stay in Redis for the other workers (or this one's successor).
    await Promise.all([...this.processing].map((name) => this.queue(name).pause(true)));
  }

  async ping(): Promise<void> {
    const queue = this.queue('health');
    await queue.isReady();
    await queue.client.ping();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  private queue(name: string): Bull.Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Bull(name, this.redisUrl, {
        prefix: this.prefix,
        settings: { backoffStrategies },
      });
      this.queues.set(name, queue);
    }
    return queue;
  }
}
