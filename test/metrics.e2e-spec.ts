import { readFileSync } from 'node:fs';
import path from 'node:path';
import { METRICS } from '../src/infrastructure/metrics/metric-catalogue';
import { uploadImport, waitForImport } from './support/imports';
import { parseSamples, valueOf } from './support/prometheus-text';
import { startTestApp, TestApp } from './support/test-app';

const BAD_ROWS = readFileSync(path.join(__dirname, 'fixtures', 'bad-rows.football-data.csv'));
const HTTP = METRICS.httpRequests.name;

describe('GET /metrics (Prometheus)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  async function scrape() {
    const response = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    return { response, samples: parseSamples(response.body) };
  }

  it('answers in the text exposition format, with process metrics and build info', async () => {
    const { response, samples } = await scrape();
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);
    expect(valueOf(samples, METRICS.buildInfo.name, { role: 'all' })).toBe(1);
  });

  it('counts and times requests by method, route template and status', async () => {
    const before = parseSamples((await testApp.app.inject('/metrics')).body);
    const count = (labels: Record<string, string>, samples = before) =>
      valueOf(samples, HTTP, labels) ?? 0;
    for (const id of [1, 2, 3]) await testApp.asAdmin({ url: `/v1/matches/${id}` });
    await testApp.asAdmin({ url: '/v1/matches?pageSize=5' });
    await testApp.app.inject('/no/such/path/42');

    const { samples } = await scrape();
    const byId = { method: 'GET', route: '/v1/matches/:id', status_code: '404' };
    expect(count(byId, samples) - count(byId)).toBe(3);
    const list = { method: 'GET', route: '/v1/matches', status_code: '200' };
    expect(count(list, samples) - count(list)).toBe(1);
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    expect(count(unmatched, samples) - count(unmatched)).toBe(1);
    // No series per concrete path: ids never become label values.
    expect(samples.filter((s) => s.name === HTTP && /\/\d+(\/|$)/.test(s.labels.route))).toEqual(
      [],
    );
    expect(
      valueOf(samples, `${METRICS.httpRequestDuration.name}_count`, byId),
    ).toBeGreaterThanOrEqual(3);
    expect(
      valueOf(samples, `${METRICS.httpRequestDuration.name}_bucket`, { ...byId, le: '+Inf' }),
    ).toBe(valueOf(samples, `${METRICS.httpRequestDuration.name}_count`, byId));
  });

  it('counts import rows accepted and rejected, job durations and queue depth', async () => {
    const response = await uploadImport(testApp.asAdmin, BAD_ROWS, 'bad-rows.csv');
    const run = await waitForImport(testApp.asAdmin, response.json().id);
    expect(run.counts).toMatchObject({ rowsRead: 7, rowsRejected: 4 });

    // The run reads succeeded before its job has returned (and Bull has moved it to completed):
    // scrape until the job's own end is counted, for at most 5 s.
    const jobDone = (scraped: ReturnType<typeof parseSamples>) =>
      valueOf(scraped, METRICS.queueJobs.name, { queue: 'imports', state: 'completed' }) === 1;
    let { samples } = await scrape();
    for (let i = 0; i < 50 && !jobDone(samples); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ({ samples } = await scrape());
    }
    const rows = (outcome: string) =>
      valueOf(samples, METRICS.importRows.name, { format: run.format!, outcome });
    expect(rows('accepted')).toBe(3);
    expect(rows('rejected')).toBe(4);
    expect(
      valueOf(samples, `${METRICS.jobDuration.name}_count`, {
        queue: 'imports',
        outcome: 'completed',
      }),
    ).toBe(1);
    expect(valueOf(samples, METRICS.queueJobs.name, { queue: 'imports', state: 'completed' })).toBe(
      1,
    );
    expect(valueOf(samples, METRICS.queueJobs.name, { queue: 'imports', state: 'waiting' })).toBe(
      0,
    );
  });

  it('shows the database pool: active, idle, waiting and the maximum', async () => {
    const { samples } = await scrape();
    expect(valueOf(samples, METRICS.dbPoolMaxConnections.name)).toBe(10);
    expect(valueOf(samples, METRICS.dbPoolConnections.name, { state: 'idle' })).toBeGreaterThan(0);
    expect(valueOf(samples, METRICS.dbPoolConnections.name, { state: 'active' })).toBe(0);
    expect(valueOf(samples, METRICS.dbPoolWaitingRequests.name)).toBe(0);
  });

  it('shows no made-up values for metrics nothing records yet', async () => {
    const { samples } = await scrape();
    for (const spec of [
      METRICS.predictionsServed,
      METRICS.championRollingRps,
      METRICS.cacheRequests,
    ]) {
      expect(samples.filter((s) => s.name.startsWith(spec.name))).toEqual([]);
    }
  });

  it('is public and never rate-limited: 300 scrapes at once all answer 200', async () => {
    const responses = await Promise.all(
      Array.from({ length: 300 }, () => testApp.app.inject({ method: 'GET', url: '/metrics' })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 200));
  });
});
