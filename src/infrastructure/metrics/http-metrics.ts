import type { FastifyInstance } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { METRICS } from './metric-catalogue';
import type { MetricsService } from './metrics.service';

type HttpLabel = (typeof METRICS.httpRequests.labelNames)[number];

/**
 * Counts and times every response in one Fastify onResponse hook (no Nest interceptor: the hot
 * path stays lean). Labelled by route template, so /v1/matches/1 and /v1/matches/2 share a series;
 * requests that matched no route share route="unmatched".
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  const requests = metrics.counter(METRICS.httpRequests);
  const duration = metrics.histogram(METRICS.httpRequestDuration);
  // Label lookups hash their values on every call; keep the bound children per label set.
  const children = new Map<
    string,
    { count: Counter.Internal; time: Histogram.Internal<HttpLabel> }
  >();
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      child = { count: requests.labels(labels), time: duration.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(reply.elapsedTime / 1000);
    done();
  });
}
