import type { FastifyInstance } from 'fastify';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsService } from './metrics.service';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics on the main listener: a plain Fastify route, outside Nest's guards, pipes and
 * throttling, so it is public and never rate-limited, whatever the API's own rules are.
 */
export function registerMetricsRoute(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.get(METRICS_PATH, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}

/** GET /metrics alone on its own port (METRICS_PORT), so the public listener never shows it. */
export async function startMetricsServer(
  metrics: MetricsService,
  host: string,
  port: number,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) =>
        response
          .writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' })
          .end(body),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
