import type { FastifyInstance } from 'fastify';
import { METRICS } from './metric-catalogue';
import type { CollectedValue, MetricsService } from './metrics.service';

type HttpLabel = (typeof METRICS.httpRequests.labelNames)[number];

/** One label set's totals: plain numbers, so counting a response is a few additions. */
interface Series {
  labels: Record<HttpLabel, string>;
  count: number;
  /** Seconds. */
  sum: number;
  /** Responses per bucket (not cumulative); the last one is +Inf. */
  perBucket: number[];
}

const BUCKETS = METRICS.httpRequestDuration.buckets ?? [];

/**
 * Counts and times responses by method, status and route template, so /v1/matches/1 and
 * /v1/matches/2 share a series; requests that matched no route share route="unmatched".
 * The totals are kept here and handed to the registry at scrape time: prom-client's counter and
 * histogram validate and hash the labels on every call, about 1 µs per response, a measurable
 * share of a cached prediction's cost (README, HTTP performance).
 */
export class HttpRequestMetrics {
  private readonly series = new Map<string, Series>();

  constructor(metrics: MetricsService) {
    const reset = () => this.series.clear();
    metrics.collected(METRICS.httpRequests, () => this.counts(), reset);
    metrics.collected(METRICS.httpRequestDuration, () => this.durations(), reset);
  }

  observe(method: string, route: string, statusCode: number, milliseconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: { method, route, status_code: String(statusCode) },
        count: 0,
        sum: 0,
        perBucket: new Array<number>(BUCKETS.length + 1).fill(0),
      };
      this.series.set(key, series);
    }
    const seconds = milliseconds / 1000;
    series.count++;
    series.sum += seconds;
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) bucket++;
    series.perBucket[bucket]++;
  }

  private counts(): CollectedValue[] {
    return [...this.series.values()].map(({ labels, count }) => ({ labels, value: count }));
  }

  private durations(): CollectedValue[] {
    const name = METRICS.httpRequestDuration.name;
    return [...this.series.values()].flatMap(({ labels, count, sum, perBucket }) => {
      let cumulative = 0;
      const buckets = perBucket.map((inBucket, i) => {
        cumulative += inBucket;
        const le = i < BUCKETS.length ? BUCKETS[i] : '+Inf';
        return { labels: { le, ...labels }, value: cumulative, metricName: `${name}_bucket` };
      });
      return [
        ...buckets,
        { labels, value: sum, metricName: `${name}_sum` },
        { labels, value: count, metricName: `${name}_count` },
      ];
    });
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
