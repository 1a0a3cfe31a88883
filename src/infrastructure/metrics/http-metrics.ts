import type { FastifyInstance } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { METRICS } from './metric-catalogue';
import type { MetricsService } from './metrics.service';

type HttpLabel = (typeof METRICS.httpRequests.labelNames)[number];

/**
 * Counts and times responses by method, status and route template, so /v1/matches/1 and
 * /v1/matches/2 share a series; requests that matched no route share route="unmatched".
 */
export class HttpRequestMetrics {
  private readonly requests: Counter<HttpLabel>;
  private readonly duration: Histogram<HttpLabel>;
  // Label lookups hash their values on every call; keep the bound children per label set.
  private readonly children = new Map<
    string,
    { count: Counter.Internal; time: Histogram.Internal<HttpLabel> }
  >();

  constructor(metrics: MetricsService) {
    this.requests = metrics.counter(METRICS.httpRequests);
    this.duration = metrics.histogram(METRICS.httpRequestDuration);
  }

  observe(method: string, route: string, statusCode: number, milliseconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let child = this.children.get(key);
    if (!child) {
      const labels = { method, route, status_code: String(statusCode) };
      child = { count: this.requests.labels(labels), time: this.duration.labels(labels) };
      this.children.set(key, child);
    }
    child.count.inc();
    child.time.observe(milliseconds / 1000);
  }
}

/** Every response Fastify sends, in one onResponse hook (no Nest interceptor: the hot path stays lean). */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: HttpRequestMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime);
    done();
  });
}
