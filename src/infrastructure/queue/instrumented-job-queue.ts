import { SpanStatusCode, trace } from '@opentelemetry/api';
import { withTimeout } from '../../common/async/with-timeout';
import { METRICS } from '../metrics/metric-catalogue';
import type { MetricsService } from '../metrics/metrics.service';
import { EnqueueOptions, JOB_STATES, JobHandler, JobQueue, JobState, JobStatus } from './job-queue';

/** A scrape must not hang on an unreachable Redis: the depth is left out instead. */
const COUNTS_TIMEOUT_MS = 1000;
const tracer = trace.getTracer('oracxpred');

/**
 * Adds metrics to any JobQueue backend: each attempt's duration and outcome, failures (final or
 * retried), and the depth of every queue this process has used, read at scrape time.
 */
export class InstrumentedJobQueue extends JobQueue {
  private readonly queues = new Set<string>();
  private readonly duration;
  private readonly failures;

  constructor(
    private readonly inner: JobQueue,
    metrics: MetricsService,
  ) {
    super();
    this.duration = metrics.histogram(METRICS.jobDuration);
    this.failures = metrics.counter(METRICS.jobFailures);
    metrics.gauge(METRICS.queueJobs, async (gauge) => {
      gauge.reset();
      await Promise.all(
        [...this.queues].map(async (queue) => {
          const counts = await withTimeout(this.inner.counts(queue), COUNTS_TIMEOUT_MS).catch(
            () => undefined,
          );
          for (const state of JOB_STATES) {
            if (counts) gauge.set({ queue, state }, counts[state]);
          }
        }),
      );
    });
  }

  get backend(): string {
    return this.inner.backend;
  }

  process<T, R>(queue: string, handler: JobHandler<T, R>, concurrency?: number): void {
    this.queues.add(queue);
    this.inner.process<T, R>(
      queue,
      (context) =>
        // One span per attempt (a no-op unless tracing is on): the job's queries nest under it.
        tracer.startActiveSpan(`job ${queue}`, async (span) => {
          span.setAttributes({
            'job.queue': queue,
            'job.id': context.id,
            'job.attempt': context.attempt,
          });
          const stop = this.duration.startTimer({ queue });
          try {
            const result = await handler(context);
            stop({ outcome: 'completed' });
            return result;
          } catch (error) {
            stop({ outcome: 'failed' });
            this.failures.inc({ queue, final: String(context.attempt >= context.maxAttempts) });
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        }),
      concurrency,
    );
  }

  enqueue<T>(queue: string, data: T, options?: EnqueueOptions): Promise<string> {
    this.queues.add(queue);
    return this.inner.enqueue(queue, data, options);
  }

  status(queue: string, id: string): Promise<JobStatus | undefined> {
    return this.inner.status(queue, id);
  }

  schedule<T>(queue: string, name: string, cron: string, data: T): Promise<void> {
    this.queues.add(queue);
    return this.inner.schedule(queue, name, cron, data);
  }

  scheduleEvery<T>(queue: string, name: string, everyMs: number, data: T): Promise<void> {
    return this.inner.scheduleEvery(queue, name, everyMs, data);
  }

  unschedule(queue: string, name: string): Promise<void> {
    return this.inner.unschedule(queue, name);
  }

  counts(queue: string): Promise<Record<JobState, number>> {
    return this.inner.counts(queue);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  stopProcessing(): Promise<void> {
    return this.inner.stopProcessing();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
