import type { FastifyInstance } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as PinoInstance } from 'pino';

/** Paths the root logger redacts on every line: credentials never reach a log in clear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.secret',
  '*.apiKey',
];

/** Probes and scrapes would drown the request log. */
const UNLOGGED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** The id of the request being served, for every log line written while serving it. */
const currentRequestId = new AsyncLocalStorage<string>();

/**
 * Pino mixin: the current request's id on application log lines. A mixin runs only when a line is
 * written, where a pino child logger per request (pino-http's way) cost a measurable share of the
 * API's CPU on requests that never log anything but their completion line.
 */
export function requestIdForLogs(): { requestId?: string } {
  const requestId = currentRequestId.getStore();
  return requestId === undefined ? {} : { requestId };
}

/**
 * Request logging on Fastify's own hooks (instead of pino-http as Nest middleware, which ran
 * through the middleware bridge on every request): the request id for application log lines,
 * and one line per completed request.
 */
export function registerRequestLogging(fastify: FastifyInstance, root: PinoInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    currentRequestId.run(request.id, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (root.isLevelEnabled('info') && !UNLOGGED_PATHS.test(request.url)) {
      root.info(
        {
          requestId: request.id,
          req: {
            id: request.id,
            method: request.method,
            url: request.url,
            // Credentials are redacted by the logger itself (REDACTED_PATHS).
            headers: request.headers,
            remoteAddress: request.ip,
          },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        reply.statusCode >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
