import { createServer, IncomingMessage, Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase } from './support/databases';
import { deleteKeysWithPrefix } from './support/redis-keys';
import { freePort, ServerProcess, startServerProcess } from './support/server-process';
import { TEST_ADMIN } from './support/test-app';

const CSV = readFileSync(path.join(__dirname, 'fixtures', 'international-sample.csv'));
const QUEUE_PREFIX = `oracx-trace-${process.pid}`;

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
}

/** A minimal OTLP/HTTP (JSON) receiver: what a collector's /v1/traces would get. */
async function startReceiver(): Promise<{
  server: Server;
  port: number;
  spans: ReceivedSpan[];
  paths: string[];
}> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(req.url ?? '');
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const payload = JSON.parse(body.toString()) as {
        resourceSpans: Array<{
          resource: { attributes: OtlpAttribute[] };
          scopeSpans: Array<{ spans: OtlpSpan[] }>;
        }>;
      };
      for (const resourceSpans of payload.resourceSpans) {
        const service = attribute(resourceSpans.resource.attributes, 'service.name') ?? '';
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) spans.push({ ...span, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, spans, paths };
}

function attribute(attributes: OtlpAttribute[], key: string): string | undefined {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
}

describe('OpenTelemetry tracing (real server process, local OTLP receiver)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess;
  const redisUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    receiver = await startReceiver();
    database = await createTestDatabase();
    // Migrate first without tracing, so the traced process's spans are the requests' only.
    const migrating = await startServerProcess({ DATABASE_URL: database.url });
    migrating.child.kill('SIGTERM');
    await migrating.exited;
    server = await startServerProcess({
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
      OTEL_SERVICE_NAME: 'oracxpred-test',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      ...(redisUrl ? { REDIS_URL: redisUrl, QUEUE_PREFIX } : {}),
    });
    // Signed in: the matches list is a viewer route.
    const login = await request(`${server.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    const { accessToken } = (await login.body.json()) as { accessToken: string };
    const response = await request(`${server.baseUrl}/v1/matches?pageSize=5`, {
      headers: { 'x-request-id': 'trace-me-42', authorization: `Bearer ${accessToken}` },
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    await (await request(`${server.baseUrl}/health/ready`)).body.dump(); // probes: not traced
    if (redisUrl) {
      // An import: Bull on Redis runs it as a job (traced with its Redis commands and queries).
      const form = new FormData();
      form.append('file', new Blob([CSV], { type: 'text/csv' }), 'traced.csv');
      const upload = await fetch(`${server.baseUrl}/v1/imports`, {
        method: 'POST',
        body: form,
        headers: { 'x-request-id': 'trace-redis-7', authorization: `Bearer ${accessToken}` },
      });
      expect(upload.status).toBe(202);
      const { id } = (await upload.json()) as { id: string };
      let status = '';
      for (let i = 0; i < 200 && status !== 'succeeded'; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const run = (await (
          await fetch(`${server.baseUrl}/v1/imports/${id}`, {
            headers: { authorization: `Bearer ${accessToken}` },
          })
        ).json()) as {
          status: string;
        };
        status = run.status;
      }
      // The job's spans are asserted below: the import must have run to the end.
      expect(status).toBe('succeeded');
    }
    // Shutdown flushes the spans still buffered.
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
  afterAll(async () => {
    server?.kill();
    if (redisUrl) await deleteKeysWithPrefix(redisUrl, QUEUE_PREFIX);
    await database?.drop();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  const serverSpan = () =>
    receiver.spans.find(
      (s) => s.kind === 2 && attribute(s.attributes, 'request.id') === 'trace-me-42',
    );

  it('says at start-up where traces go', () => {
    expect(server.output()).toContain(`tracing to http://127.0.0.1:${receiver.port}`);
  });

  it('sends spans to <endpoint>/v1/traces under the service name', () => {
    expect(receiver.paths.length).toBeGreaterThan(0);
    expect(new Set(receiver.paths)).toEqual(new Set(['/v1/traces']));
    expect(new Set(receiver.spans.map((s) => s.service))).toEqual(new Set(['oracxpred-test']));
  });

  it('traces the HTTP request, with its request id as an attribute', () => {
    const span = serverSpan();
    expect(span).toBeDefined();
    expect(
      attribute(span!.attributes, 'http.request.method') ??
        attribute(span!.attributes, 'http.method'),
    ).toBe('GET');
    // Probes are not traced.
    expect(receiver.spans.filter((s) => s.name.includes('/health'))).toEqual([]);
  });

  it('traces the PostgreSQL queries inside that request', () => {
    const span = serverSpan()!;
    const queries = receiver.spans.filter(
      (s) =>
        s.traceId === span.traceId &&
        (attribute(s.attributes, 'db.system.name') ?? attribute(s.attributes, 'db.system')) ===
          'postgresql',
    );
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((q) => q.parentSpanId)).toBe(true);
  });

  it('writes the trace id into the request log line', () => {
    const span = serverSpan()!;
    const line = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map(
        (l) =>
          JSON.parse(l) as {
            requestId?: string;
            trace_id?: string;
            span_id?: string;
            res?: unknown;
          },
      )
      .find((entry) => entry.requestId === 'trace-me-42' && entry.res);
    expect(line).toMatchObject({
      trace_id: span.traceId,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });

  // Redis is used only when configured: without REDIS_URL this part reports itself skipped.
  (redisUrl ? describe : describe.skip)(
    redisUrl ? 'with Redis' : 'with Redis (skipped: REDIS_URL not set)',
    () => {
      it('traces a job run, with its Redis commands (Bull) and queries nested under it', () => {
        const job = receiver.spans.find((x) => x.name === 'job imports');
        expect(job).toBeDefined();
        expect(attribute(job!.attributes, 'job.queue')).toBe('imports');
        const children = receiver.spans.filter((x) => x.parentSpanId === job!.spanId);
        const system = (x: ReceivedSpan) =>
          attribute(x.attributes, 'db.system.name') ?? attribute(x.attributes, 'db.system');
        expect(children.filter((x) => system(x) === 'redis').length).toBeGreaterThan(0);
        expect(children.filter((x) => system(x) === 'postgresql').length).toBeGreaterThan(0);
      });
    },
  );
});
