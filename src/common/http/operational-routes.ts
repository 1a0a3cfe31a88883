import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problem/problem-details';

/** What a worker process answers: probes and the metrics scrape. */
const OPERATIONAL_PREFIXES = ['/health', '/metrics'];

function isOperational(url: string): boolean {
  return OPERATIONAL_PREFIXES.some(
    (prefix) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`),
  );
}

/**
 * Worker role: every other path answers 404 before routing, so a worker replica never serves
 * the public API even if traffic reaches it by mistake.
 */
export function restrictToOperationalRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (isOperational(request.url)) return;
    await reply
      .code(404)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send({
        type: problemType('not-served-by-worker'),
        title: 'Not found',
        status: 404,
        detail: 'This is a worker process: it serves /health and /metrics only',
        instance: request.url,
        requestId: String(request.id),
      });
  });
}
