import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseExpression } from 'cron-parser';
import { EnqueueOptions, JOB_STATES, JobHandler, JobQueue, JobState, JobStatus } from './job-queue';

interface InProcessJob {
  status: JobStatus;
  data: unknown;
  options: Required<Pick<EnqueueOptions, 'attempts' | 'backoffMs'>>;
}

/** Jobs run in this process (no Redis): same semantics as Bull for status, progress, attempts. */
export class InProcessJobQueue extends JobQueue {
  readonly backend = 'in-process';
  private readonly logger = new Logger(InProcessJobQueue.name);
  private readonly handlers = new Map<string, { handler: JobHandler; concurrency: number }>();
  private readonly jobs = new Map<string, InProcessJob>();
  private readonly pending = new Map<string, string[]>();
  private readonly active = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private closed = false;
  /** Set by stopProcessing: waiting jobs stay waiting, running ones finish. */
  private stopped = false;

  process<T, R>(queue: string, handler: JobHandler<T, R>, concurrency = 1): void {
    this.handlers.set(queue, { handler: handler as JobHandler, concurrency });
    this.drain(queue);
  }

  async enqueue<T>(queue: string, data: T, options: EnqueueOptions = {}): Promise<string> {
    if (this.closed) throw new Error('queue is closed');
    const id = options.jobId ?? randomUUID();
    const existing = this.jobs.get(key(queue, id));
    if (existing && !['completed', 'failed'].includes(existing.status.state)) return id;
    this.jobs.set(key(queue, id), {
      status: { id, queue, state: 'waiting', progress: 0, attemptsMade: 0 },
      data,
      options: { attempts: options.attempts ?? 1, backoffMs: options.backoffMs ?? 1000 },
    });
    this.pending.set(queue, [...(this.pending.get(queue) ?? []), id]);
    this.drain(queue);
    return id;
  }

  async schedule<T>(queue: string, name: string, cron: string, data: T): Promise<void> {
    const interval = parseExpression(cron, { utc: true });
    const scheduleKey = key(queue, name);
    clearTimeout(this.schedules.get(scheduleKey));
    const armNext = () => {
      if (this.closed) return;
      const delay = Math.max(0, interval.next().getTime() - Date.now());
      const timer = setTimeout(() => {
        void this.enqueue(queue, data).catch(() => undefined);
        armNext();
      }, delay);
      timer.unref();
      this.schedules.set(scheduleKey, timer);
    };
    armNext();
  }

  async scheduleEvery<T>(queue: string, name: string, everyMs: number, data: T): Promise<void> {
    const scheduleKey = key(queue, name);
    clearTimeout(this.schedules.get(scheduleKey));
    const armNext = () => {
      if (this.closed) return;
      // Ticks on multiples of the interval, as Bull does.
      const delay = everyMs - (Date.now() % everyMs);
      const timer = setTimeout(() => {
        void this.enqueue(queue, data).catch(() => undefined);
        armNext();
      }, delay);
      timer.unref();
      this.schedules.set(scheduleKey, timer);
    };
    armNext();
  }

  async unschedule(queue: string, name: string): Promise<void> {
    const scheduleKey = key(queue, name);
    clearTimeout(this.schedules.get(scheduleKey));
    this.schedules.delete(scheduleKey);
  }

  async status(queue: string, id: string): Promise<JobStatus | undefined> {
    const job = this.jobs.get(key(queue, id));
    return job ? { ...job.status } : undefined;
  }

  async counts(queue: string): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<
      JobState,
      number
    >;
    for (const job of this.jobs.values()) {
      if (job.status.queue === queue) counts[job.status.state] += 1;
    }
    return counts;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
  }

  async stopProcessing(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.schedules.values()) clearTimeout(timer);
    await this.stopProcessing();
  }

  private drain(queue: string): void {
    const registered = this.handlers.get(queue);
    const waiting = this.pending.get(queue);
    while (
      !this.stopped &&
      registered &&
      waiting?.length &&
      (this.active.get(queue) ?? 0) < registered.concurrency
    ) {
      const id = waiting.shift()!;
      this.active.set(queue, (this.active.get(queue) ?? 0) + 1);
      const run = this.run(queue, id, registered.handler).finally(() => {
        this.running.delete(run);
        this.active.set(queue, (this.active.get(queue) ?? 1) - 1);
        this.drain(queue);
      });
      this.running.add(run);
    }
  }

  private async run(queue: string, id: string, handler: JobHandler): Promise<void> {
    const job = this.jobs.get(key(queue, id))!;
    const { status } = job;
    status.state = 'active';
    status.attemptsMade += 1;
    try {
      status.result = await handler({
        id,
        data: job.data,
        attempt: status.attemptsMade,
        maxAttempts: job.options.attempts,
        reportProgress: async (percent) => {
          status.progress = Math.max(0, Math.min(100, Math.round(percent)));
        },
      });
      status.state = 'completed';
      status.progress = 100;
    } catch (error) {
      status.failedReason = error instanceof Error ? error.message : String(error);
      if (status.attemptsMade < job.options.attempts && !this.closed) {
        status.state = 'delayed';
        const delay = job.options.backoffMs * 2 ** (status.attemptsMade - 1);
        this.logger.warn(
          `job ${queue}/${id} failed (attempt ${status.attemptsMade}); retry in ${delay} ms`,
        );
        setTimeout(() => {
          if (this.closed) return; // closed while delayed: the retry never starts
          status.state = 'waiting';
          this.pending.get(queue)?.push(id);
          this.drain(queue);
        }, delay).unref();
      } else {
        status.state = 'failed';
      }
    }
  }
}

function key(queue: string, id: string): string {
  return `${queue}:${id}`;
}
