import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../config/app-config';
import { ReadinessRegistry } from '../health/readiness.registry';
import { JobQueue } from '../queue/job-queue';
import { stopTracing } from '../tracing/tracing';

export const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * SIGTERM/SIGINT, in order: readiness answers 503 at once; after SHUTDOWN_DELAY_MS (time for load
 * balancers to stop routing here) the listener closes while in-flight requests finish and queue
 * workers stop taking jobs and finish their current one; then queues and database close and the
 * process exits 0. Past SHUTDOWN_TIMEOUT_MS it exits 1 with the remaining work cut (a Bull job
 * cut this way is picked up again by another worker once its lock expires).
 */
export function exitGracefullyOnSignals(
  app: NestFastifyApplication,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const logger = new Logger('Shutdown');
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const { delayMs, timeoutMs } = app.get(AppConfig).shutdown;
    app.get(ReadinessRegistry).beginShutdown();
    logger.log(
      `${signal}: readiness is 503; closing in ${delayMs} ms, at most ${timeoutMs} ms more`,
    );
    const deadline = setTimeout(() => {
      logger.error(`work still running ${timeoutMs} ms after closing: exiting anyway`);
      exit(1);
    }, delayMs + timeoutMs);
    try {
      await sleep(delayMs);
      // The listener stops accepting and waits for in-flight requests, while this process's queue
      // workers finish their running jobs (enqueueing still works until the queues close).
      await Promise.all([
        app.getHttpAdapter().getInstance().close(),
        app.get(JobQueue).stopProcessing(),
      ]);
      await app.close();
      await stopTracing();
      clearTimeout(deadline);
      logger.log('shut down cleanly');
      exit(0);
    } catch (error) {
      clearTimeout(deadline);
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    }
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, (s) => void shutdown(s));
}

/**
 * From the moment shutdown begins every response says `Connection: close`, so clients that
 * keep connections open reconnect (to another replica) instead of reusing one about to close.
 */
export function closeConnectionsWhenShuttingDown(
  fastify: FastifyInstance,
  readiness: ReadinessRegistry,
): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.shuttingDownSince) reply.header('connection', 'close');
    done(null, payload);
  });
}
