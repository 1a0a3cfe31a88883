// A yardstick of the HTTP benchmark: the least a cached prediction can cost on Fastify. A bare
// Fastify server answers the same request with the same response (BODY_FILE, the same headers)
// and does the same per-request work as the service's cache hit: the service's own Fastify hooks
// (request id, request logging at LOG_LEVEL warn, security headers, request metrics), and in
// place of its services a hand-written handler that does their work the simplest way (the
// access token looked up among the verified ones - TOKEN; the service keeps verified tokens in
// a map too -, a fixed-window rate-limit count and its headers, MATCH_ID's cached document
// looked up by match and model version with its entity tag, hit and served counters). No Nest,
// no tracing, no upload parsing, no A/B choice, no promise-based service interfaces: what the
// service costs over this row is what those cost.
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { assignRequestId, REQUEST_ID_HEADER } from '../src/common/http/request-id';
import { registerSecurityHeaders } from '../src/common/http/security-headers';
import { registerRequestLogging } from '../src/infrastructure/logging/request-logging';
import { METRICS } from '../src/infrastructure/metrics/metric-catalogue';
import {
  HttpRequestMetrics,
  registerHttpMetrics,
} from '../src/infrastructure/metrics/http-metrics';
import { MetricsService } from '../src/infrastructure/metrics/metrics.service';

const TOKEN = process.env.TOKEN ?? '';
/** A model version id as long as the service's (it is sent in a header). */
const VERSION = randomUUID();
const RATE_LIMIT = 1_000_000_000;
const WINDOW_MS = 60_000;
const body = readFileSync(process.env.BODY_FILE ?? '', 'utf8');
// Stored as the service stores it: the 24-character entity tag in front of the JSON.
const cache = new Map([
  [`prediction:${process.env.MATCH_ID}`, new Map([[VERSION, `"${'E'.repeat(22)}"${body}`]])],
]);
const verified = new Map([[TOKEN, { userId: 'lean', expiresAt: Date.now() / 1000 + 3600 }]]);
const BEARER = /^Bearer +([\w-]+\.[\w-]+\.[\w-]+)$/i;
const windows = new Map<string, { hits: number; resetAt: number }>();
const metrics = new MetricsService();
const hits = metrics.counter(METRICS.cacheRequests).labels({ cache: 'predictions', result: 'hit' });
const served = metrics
  .counter(METRICS.predictionsServed)
  .labels({ model: 'ensemble', model_version: VERSION });

const app = Fastify({ logger: false, genReqId: assignRequestId });
app.addHook('onRequest', (request, reply, done) => {
  void reply.header(REQUEST_ID_HEADER, request.id);
  done();
});
registerRequestLogging(app, pino({ level: 'warn' }));
registerSecurityHeaders(app);
registerHttpMetrics(app, new HttpRequestMetrics(metrics));

app.get<{ Params: { id: string } }>('/v1/matches/:id/prediction', async (request, reply) => {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const claims = token === undefined ? undefined : verified.get(token);
  if (!claims || claims.expiresAt < Date.now() / 1000) return reply.code(401).send();
  const now = Date.now();
  const tracker = `default:user:${claims.userId}`;
  let window = windows.get(tracker);
  if (!window || window.resetAt <= now) {
    window = { hits: 0, resetAt: now + WINDOW_MS };
    windows.set(tracker, window);
  }
  window.hits++;
  void reply
    .header('x-ratelimit-limit', RATE_LIMIT)
    .header('x-ratelimit-remaining', RATE_LIMIT - window.hits)
    .header('x-ratelimit-reset', Math.ceil((window.resetAt - now) / 1000));
  const stored = cache.get(`prediction:${request.params.id}`)?.get(VERSION);
  if (stored === undefined) return reply.code(404).send();
  hits.inc();
  served.inc();
  const etag = stored.slice(0, 24);
  void reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('etag', etag)
    .header('cache-control', 'private, no-cache')
    .header('vary', 'authorization, x-api-key')
    .header('x-cache', 'hit')
    .header('x-model-version', VERSION)
    .header('x-model-variant', 'champion');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.send(stored.slice(24));
});
void app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.send?.('ready'));
