import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'undici';
import { createTestDatabase } from './support/databases';
import { ServerProcess, startServerProcess } from './support/server-process';
import { TEST_ADMIN } from './support/test-app';

const CONNECTIONS = 16;
/** Long enough for the "load balancer" below to notice readiness 503, even on a busy machine. */
const DELAY_MS = 3000;
const CSV = readFileSync(path.join(__dirname, 'fixtures', 'international-sample.csv'));

/** Whether a new TCP connection to the port is refused right now (the listener is closed). */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** A multipart upload whose body trickles in over `durationMs`: a request that stays in flight. */
async function* slowUpload(boundary: string, durationMs: number): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\n',
  );
  const pieces = 10;
  for (let i = 0; i < pieces; i++) {
    await sleep(durationMs / pieces);
    yield CSV.subarray(
      Math.floor((i * CSV.length) / pieces),
      Math.floor(((i + 1) * CSV.length) / pieces),
    );
  }
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

describe('graceful shutdown on SIGTERM (the real server process, under load)', () => {
  let server: ServerProcess;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let authorization: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServerProcess({
      DATABASE_URL: database.url,
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_TIMEOUT_MS: '15000',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      RATE_LIMIT_USER: '1000000',
    });
    const login = await fetch(`${server.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(login.status).toBe(200);
    authorization = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;
  });
  afterAll(async () => {
    server?.kill();
    await database?.drop();
  });

  it('turns unready, finishes every request it accepted, refuses new connections, exits 0', async () => {
    const pool = new Pool(server.baseUrl, { connections: CONNECTIONS });
    const probe = new Client(server.baseUrl);
    const failures: string[] = [];
    let completed = 0;
    let inFlight = 0;
    // Like a load balancer: send traffic here only while /health/ready answers 200.
    let routing = true;
    let unreadySeenAt: number | undefined;
    const readiness: number[] = [];
    const balancer = (async () => {
      while (routing) {
        const answer = await probe
          .request({ path: '/health/ready', method: 'GET' })
          .then(async (res) => (await res.body.dump(), res.statusCode))
          .catch(() => 0);
        readiness.push(answer);
        if (answer !== 200) {
          routing = false;
          unreadySeenAt = Date.now();
        } else await sleep(25);
      }
    })();
    const paths = ['/v1/matches?pageSize=200', '/v1/competitions', '/v1/teams?search=a'];
    const worker = async (index: number) => {
      for (let n = index; routing; n++) {
        inFlight++;
        try {
          const res = await pool.request({
            path: paths[n % paths.length],
            method: 'GET',
            headers: { authorization },
          });
          await res.body.text();
          if (res.statusCode === 200) completed++;
          else failures.push(`${paths[n % paths.length]}: ${res.statusCode}`);
        } catch (error) {
          failures.push(`${paths[n % paths.length]}: ${(error as Error).message}`);
        } finally {
          inFlight--;
        }
      }
    };
    const workers = Array.from({ length: CONNECTIONS }, (_, i) => worker(i));
    await sleep(1500);

    // A request still arriving when the listener closes: its body trickles in for 2.5 s.
    const boundary = 'graceful-shutdown-boundary';
    const upload = pool
      .request({
        path: '/v1/imports',
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization },
        body: Readable.from(slowUpload(boundary, DELAY_MS + 1500)),
      })
      .then(async (res) => ({
        status: res.statusCode,
        connection: res.headers.connection,
        body: await res.body.text(),
        at: Date.now(),
      }));
    await sleep(100);

    const inFlightAtSignal = inFlight;
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');

    // The listener closes after the delay, while the upload is still arriving.
    let refusedAt: number | undefined;
    while (refusedAt === undefined && Date.now() - signalledAt < DELAY_MS + 5000) {
      if (await refusesConnections(server.port)) refusedAt = Date.now();
      else await sleep(20);
    }
    const uploaded = await upload;
    const exit = await server.exited;
    await Promise.all([balancer, ...workers]);
    await Promise.all([pool.close(), probe.close()]);

    expect(failures).toEqual([]);
    expect(completed).toBeGreaterThan(CONNECTIONS); // under load: every connection used repeatedly
    expect(inFlightAtSignal).toBeGreaterThan(0);
    // Readiness said 503 (not a refused connection), and traffic stopped, before the listener closed.
    expect(readiness.at(-1)).toBe(503);
    expect(refusedAt).toBeDefined();
    expect(unreadySeenAt).toBeLessThan(refusedAt!);
    expect(refusedAt! - signalledAt).toBeGreaterThanOrEqual(DELAY_MS - 50);
    // The upload was in flight across the close, and finished normally.
    expect(uploaded.status).toBe(202);
    expect(JSON.parse(uploaded.body)).toMatchObject({ status: 'queued' });
    expect(uploaded.connection).toBe('close');
    expect(uploaded.at).toBeGreaterThan(refusedAt!);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('shut down cleanly');
  });
});
