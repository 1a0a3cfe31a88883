// A yardstick of the HTTP benchmark: the least a cached prediction can cost on Fastify. A
// hand-written Fastify server answers the same request with the same response (BODY_FILE, the
// same headers) and does the same per-request work as the service's cache hit, each the simplest
// way: request id (checked or a UUID) and its log context, the access token looked up among the
// verified ones (TOKEN: the service keeps verified tokens in a map too), a fixed-window rate-limit
// count and its headers, MATCH_ID's cached document looked up by match and model version with
// its entity tag, security headers, and the request counted and timed in Prometheus metrics. No
// Nest, no tracing, no upload parsing, no A/B choice: what the service costs over this row is
// what its framework and its architecture cost.
import Fastify from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Counter, Histogram, Registry } from 'prom-client';

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
const windows = new Map<string, { hits: number; resetAt: number }>();
const requestIds = new AsyncLocalStorage<string>();
const SECURITY_HEADERS = Object.entries({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
});
const BEARER = /^Bearer +([\w-]+\.[\w-]+\.[\w-]+)$/i;
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

const registry = new Registry();
const labelNames = ['method', 'route', 'status_code'] as const;
const requests = new Counter({ name: 'requests', help: '-', labelNames, registers: [registry] });
const durations = new Histogram({ name: 'duration', help: '-', labelNames, registers: [registry] });
const hits = new Counter({ name: 'hits', help: '-', registers: [registry] });
const served = new Counter({ name: 'served', help: '-', registers: [registry] });
const series = new Map<string, { count: Counter.Internal; time: Histogram.Internal<string> }>();

const app = Fastify({
  logger: false,
  genReqId: (req) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = id;
    return id;
  },
});
app.addHook('onRequest', (request, reply, done) => {
  void reply.header('x-request-id', request.id);
  requestIds.run(request.id, done);
});
app.addHook('onSend', (_request, reply, payload, done) => {
  for (const [name, value] of SECURITY_HEADERS) void reply.header(name, value);
  done(null, payload);
});
app.addHook('onResponse', (request, reply, done) => {
  const route = request.routeOptions.url ?? 'unmatched';
  const key = `${request.method} ${reply.statusCode} ${route}`;
  let child = series.get(key);
  if (!child) {
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    child = { count: requests.labels(labels), time: durations.labels(labels) };
    series.set(key, child);
  }
  child.count.inc();
  child.time.observe(reply.elapsedTime / 1000);
  done();
});
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
    .header('x-cache', 'hit')
    .header('x-model-version', VERSION)
    .header('x-model-variant', 'champion');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.send(stored.slice(24));
});
void app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.send?.('ready'));
