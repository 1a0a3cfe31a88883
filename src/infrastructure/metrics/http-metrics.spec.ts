import { Counter, Histogram, Registry } from 'prom-client';
import { HttpRequestMetrics } from './http-metrics';
import { METRICS } from './metric-catalogue';
import { MetricsService } from './metrics.service';

/** The two HTTP metrics' lines of an exposition (the default process metrics left out). */
function httpLines(exposition: string): string[] {
  return exposition.split('\n').filter((line) => line.includes('oracxpred_http_request'));
}

describe('HttpRequestMetrics', () => {
  // Durations on, inside and between bucket bounds, over three label sets.
  const responses: Array<[string, string, number, number]> = [
    ['GET', '/v1/matches/:id/prediction', 200, 3],
    ['GET', '/v1/matches/:id/prediction', 200, 5],
    ['GET', '/v1/matches/:id/prediction', 200, 12.5],
    ['GET', '/v1/matches/:id/prediction', 304, 0.4],
    ['POST', '/v1/imports', 202, 740],
    ['GET', '/v1/matches/:id/prediction', 200, 25_000],
    ['GET', 'unmatched', 404, 1],
  ];

  it('exposes what prom-client counter and histogram expose for the same responses', async () => {
    const metrics = new MetricsService();
    const http = new HttpRequestMetrics(metrics);
    for (const response of responses) http.observe(...response);

    const reference = new Registry();
    const base = (spec: typeof METRICS.httpRequests) => ({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      registers: [reference],
    });
    const counter = new Counter(base(METRICS.httpRequests));
    const histogram = new Histogram({
      ...base(METRICS.httpRequestDuration),
      buckets: [...(METRICS.httpRequestDuration.buckets ?? [])],
    });
    for (const [method, route, status, milliseconds] of responses) {
      const labels = { method, route, status_code: String(status) };
      counter.inc(labels);
      histogram.observe(labels, milliseconds / 1000);
    }

    const ours = httpLines((await metrics.render()).body);
    expect(ours).toEqual(httpLines(await reference.metrics()));
    expect(ours).toContain(
      'oracxpred_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/matches/:id/prediction",status_code="200"} 2',
    );
  });

  it('starts again from zero when the registry is reset', async () => {
    const metrics = new MetricsService();
    const http = new HttpRequestMetrics(metrics);
    http.observe('GET', '/things/:id', 200, 2);
    metrics.registry.resetMetrics();
    http.observe('GET', '/things/:id', 200, 2);
    expect(httpLines((await metrics.render()).body)).toContain(
      'oracxpred_http_requests_total{method="GET",route="/things/:id",status_code="200"} 1',
    );
  });

  it('refuses a second owner of the same metrics on one registry', () => {
    const metrics = new MetricsService();
    new HttpRequestMetrics(metrics);
    expect(() => new HttpRequestMetrics(metrics)).toThrow(/already registered/);
  });
});
