import Fastify, { type FastifyInstance } from 'fastify';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ReadinessRegistry } from '../health/readiness.registry';
import { HttpRequestMetrics, registerHttpMetrics } from '../metrics/http-metrics';
import { MetricsService } from '../metrics/metrics.service';
import { PreRouter, type PreRouteHandler } from './pre-router';

/** A memo a pre-route handler leaves on its request, as the authentication does. */
const MEMO = Symbol('memo');

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('PreRouter', () => {
  let fastify: FastifyInstance;
  let port: number;
  let readiness: ReadinessRegistry;
  let metrics: MetricsService;
  let logLines: Array<Record<string, unknown>>;
  /** What the pre-route does this time; `calls` counts the requests it was asked about. */
  let handler: PreRouteHandler;
  let calls: number;

  beforeEach(async () => {
    readiness = new ReadinessRegistry();
    metrics = new MetricsService();
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    fastify = Fastify({ logger: false });
    const httpMetrics = new HttpRequestMetrics(metrics);
    registerHttpMetrics(fastify, httpMetrics);
    const preRouter = new PreRouter({
      metrics: httpMetrics,
      logger,
      readiness,
      // The test's own connection comes from the proxy: its X-Forwarded-For names the client.
      trustsProxy: (address) => address === '127.0.0.1',
      carried: [MEMO],
    });
    calls = 0;
    preRouter.get(/^\/things\/(\d+)$/, '/things/:id', (request, reply, path) => {
      calls++;
      return handler(request, reply, path);
    });
    preRouter.install(fastify);
    fastify.get('/things/:id', (request) => ({
      from: 'fastify',
      memo: (request as unknown as Record<symbol, unknown>)[MEMO] ?? null,
    }));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    port = (fastify.server.address() as AddressInfo).port;
  });

  afterEach(() => fastify.close());

  function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
    return new Promise<Answer>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  const answersItself: PreRouteHandler = (_request, reply, path) => {
    reply.code(200);
    reply.header('content-type', 'text/plain');
    reply.send(`pre-routed ${path[1]}`);
    return Promise.resolve(true);
  };

  it('answers with the request id, the security headers, a metrics sample and a log line', async () => {
    handler = answersItself;
    const answer = await get('/things/7', {
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.9',
    });
    expect(answer).toMatchObject({ status: 200, body: 'pre-routed 7' });
    expect(answer.headers).toMatchObject({
      'x-request-id': 'req-1',
      'content-length': '12',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    const exposition = await metrics.render();
    expect(exposition.body).toMatch(
      /oracxpred_http_requests_total\{method="GET",route="\/things\/:id",status_code="200"\} 1/,
    );
    expect(logLines).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        requestId: 'req-1',
        req: expect.objectContaining({ url: '/things/7', remoteAddress: '203.0.113.9' }) as unknown,
        res: { statusCode: 200 },
      }),
    ]);
  });

  it('hands a declined request to Fastify with the memos of its checks', async () => {
    handler = (request) => {
      (request as unknown as Record<symbol, unknown>)[MEMO] = 'counted once';
      return Promise.resolve(false);
    };
    const answer = await get('/things/7');
    expect(JSON.parse(answer.body)).toEqual({ from: 'fastify', memo: 'counted once' });
    expect(calls).toBe(1);
  });

  it('hands over a request whose handler fails', async () => {
    handler = () => Promise.reject(new Error('store unavailable'));
    const answer = await get('/things/7');
    expect(JSON.parse(answer.body)).toEqual({ from: 'fastify', memo: null });
  });

  it('leaves to Fastify what it does not route: other methods and paths, a query, an Origin, a body, shutdown', async () => {
    handler = answersItself;
    const fromFastify = async (answer: Promise<Answer>) =>
      expect((await answer).body).not.toMatch(/pre-routed/);
    await fromFastify(get('/things/7?x=1'));
    await fromFastify(get('/things/x'));
    await fromFastify(get('/things/7', { origin: 'https://example.org' }));
    await fromFastify(get('/things/7', { 'content-length': '0' }));
    await fromFastify(get('/things/7', {}, 'HEAD'));
    expect(calls).toBe(0);
    readiness.beginShutdown();
    await fromFastify(get('/things/7'));
    expect(calls).toBe(0);
  });
});
