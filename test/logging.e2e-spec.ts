import { ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SHARED_DATA_DIR } from './fixtures/shared-data';
import { createTestDatabase } from './support/databases';
import { deleteKeysWithPrefix } from './support/redis-keys';
import { freePort } from './support/server-process';

// The real server in a child process, so its JSON log lines (pino writes them to stdout) can be
// read exactly as a log collector would.
const ROOT = path.resolve(__dirname, '..');
const WAIT_MS = 60000;

const SECRETS = {
  authorization: 'Bearer secret-token-123',
  'x-api-key': 'key-456',
  cookie: 'session=cookie-789',
};

type LogLine = Record<string, unknown> & {
  msg?: string;
  requestId?: string;
  req?: { id?: string; url?: string; headers?: Record<string, string> };
  res?: { statusCode?: number; headers?: Record<string, string> };
};

describe('JSON request logs (real server process)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let server: ChildProcessByStdio<null, Readable, Readable>;
  let baseUrl: string;
  let stdout = '';
  let stderr = '';
  const queuePrefix = `oracx-log-test-${randomBytes(4).toString('hex')}`;

  /** Every complete JSON line written so far (non-JSON lines would fail the format test). */
  const lines = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);

  async function waitForLine(what: string, match: (line: LogLine) => boolean): Promise<LogLine> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      const found = complete
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine)
        .find(match);
      if (found) return found;
      if (server.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `no log line for ${what}; exit ${server.exitCode}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        DEMO_DATA: 'off',
        SHARED_DATA_DIR,
        QUEUE_PREFIX: queuePrefix,
        ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForLine('start-up', (line) => /listening on/.test(String(line.msg)));
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    }
    await database?.drop();
    if (process.env.REDIS_URL) await deleteKeysWithPrefix(process.env.REDIS_URL, queuePrefix);
  });

  it('writes one JSON object per line, with level, time and message', async () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(0);
    for (const line of all) {
      expect(line).toEqual(
        expect.objectContaining({ level: expect.any(Number), time: expect.any(Number) }),
      );
    }
  });

  it('says once it listens, and not before, how to create the first admin (none exists)', async () => {
    const reminder = await waitForLine('the first-admin reminder', (line) =>
      String(line.msg).startsWith('no admin account yet'),
    );
    expect(reminder).toMatchObject({ level: 40 }); // pino's warn
    const messages = lines().map((line) => String(line.msg));
    expect(messages.findIndex((m) => m.startsWith('no admin account yet'))).toBeGreaterThan(
      messages.findIndex((m) => /listening on/.test(m)),
    );
  });

  it('logs a request with its id and the secrets of its headers redacted', async () => {
    const requestId = `log-test-${randomBytes(4).toString('hex')}`;
    const response = await fetch(`${baseUrl}/v1/matches?pageSize=5`, {
      headers: { ...SECRETS, 'x-request-id': requestId },
    });
    // The made-up credentials are refused; the request is logged all the same.
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const line = await waitForLine(
      `request ${requestId}`,
      (l) => l.requestId === requestId && !!l.res,
    );
    expect(line.req?.id).toBe(requestId);
    expect(line.req?.url).toBe('/v1/matches?pageSize=5');
    expect(line.res?.statusCode).toBe(401);
    expect(line.req?.headers).toMatchObject({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      cookie: '[redacted]',
      'x-request-id': requestId,
    });
    for (const value of Object.values(SECRETS)) expect(stdout + stderr).not.toContain(value);
    expect(stdout + stderr).not.toMatch(/secret-token|key-456|cookie-789/);
  });

  it('logs a failed request under the generated id it answered with', async () => {
    const response = await fetch(`${baseUrl}/v1/no-such-route`, {
      headers: { authorization: SECRETS.authorization, 'x-request-id': 'not valid, has spaces' },
    });
    expect(response.status).toBe(404);
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(requestId);

    const line = await waitForLine(
      `request ${requestId}`,
      (l) => l.requestId === requestId && !!l.res,
    );
    expect(line.res?.statusCode).toBe(404);
    expect(line.req?.headers?.authorization).toBe('[redacted]');
    expect(stdout + stderr).not.toContain('secret-token-123');
  });
});
