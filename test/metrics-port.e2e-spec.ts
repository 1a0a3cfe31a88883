import { request } from 'undici';
import { METRICS } from '../src/infrastructure/metrics/metric-catalogue';
import { freePort } from './support/server-process';
import { startTestApp, TestApp } from './support/test-app';

describe('METRICS_PORT: /metrics on its own listener', () => {
  let testApp: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    testApp = await startTestApp({ METRICS_PORT: String(port), HOST: '127.0.0.1' });
  });
  afterAll(() => testApp?.close());

  it('serves the metrics on METRICS_PORT', async () => {
    await testApp.app.inject('/v1/competitions');
    const response = await request(`http://127.0.0.1:${port}/metrics`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.body.text();
    expect(text).toContain(`${METRICS.httpRequests.name}{method="GET",route="/v1/competitions"`);
  });

  it('answers 404 for anything else on that port', async () => {
    const response = await request(`http://127.0.0.1:${port}/v1/competitions`);
    expect(response.statusCode).toBe(404);
    await response.body.dump();
  });

  it('keeps /metrics off the main listener', async () => {
    const response = await testApp.app.inject('/metrics');
    expect(response.statusCode).toBe(404);
  });
});
