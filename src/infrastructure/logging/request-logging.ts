import type { FastifyInstance } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
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

/** A request as its completion line describes it. */
export interface CompletedRequest {
  id: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** A getter on the pre-router's requests: the address is worked out only when logged. */
  ip: string;
  statusCode: number;
  milliseconds: number;
}

/** Runs `work` with the request's id on every application log line it writes. */
export function withRequestId(requestId: string, work: () => void): void {
  currentRequestId.run(requestId, work);
}

/** The one line per completed request (at info; none for probes and scrapes). */
export function logCompletedRequest(root: PinoInstance, request: CompletedRequest): void {
  if (!root.isLevelEnabled('info') || UNLOGGED_PATHS.test(request.url)) return;
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
      res: { statusCode: request.statusCode },
      responseTime: Math.round(request.milliseconds),
    },
    request.statusCode >= 500 ? 'request errored' : 'request completed',
  );
}

/**
 * Request logging on Fastify's own hooks (instead of pino-http as Nest middleware, which ran
 * through the middleware bridge on every request): the request id for application log lines,
 * and one line per completed request.
 */
export function registerRequestLogging(fastify: FastifyInstance, root: PinoInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    withRequestId(request.id, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (root.isLevelEnabled('info')) {
      logCompletedRequest(root, {
        id: request.id,
        method: request.method,
        url: request.url,
        headers: request.headers,
        ip: request.ip,
        statusCode: reply.statusCode,
        milliseconds: reply.elapsedTime,
      });
    }
    done();
  });
}
