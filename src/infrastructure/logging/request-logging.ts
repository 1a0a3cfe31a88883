import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as PinoInstance } from 'pino';

const REDACTED = '[redacted]';
/** Request headers that carry credentials; they never reach a log line in clear. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-api-key']);
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

function redactedHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = SECRET_HEADERS.has(name) ? REDACTED : value;
  }
  return copy;
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
            headers: redactedHeaders(request.headers),
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
