import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { createTestDatabase, query } from './support/databases';

const ROOT = path.resolve(__dirname, '..');
/** A refused configuration must stop the process well within this (it never reaches the database). */
const EXIT_WITHIN_MS = 30000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts the real entry point (src/main.ts) with exactly `env` (plus PATH), and waits for it to exit. */
function startServer(env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: ROOT,
      // Nothing inherited: no DATABASE_URL/REDIS_URL of the test run, no jest NODE_OPTIONS.
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('start-up with a bad configuration (real process)', () => {
  it('refuses production without DATABASE_URL and REDIS_URL, naming both', async () => {
    const outcome = await startServer({
      NODE_ENV: 'production',
      JWT_SECRET: 'k3J9x!vQ2m#Lr8Zp0wY5tE7uB4nC6aD1',
    });
    expect(outcome.signal).toBeNull(); // it exited by itself, not killed by the timer
    expect(outcome.code).not.toBe(0);
    expect(outcome.code).not.toBeNull();
    expect(outcome.ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(outcome.stderr).toContain('Invalid configuration');
    expect(outcome.stderr).toMatch(/DATABASE_URL: required in production/);
    expect(outcome.stderr).toMatch(/REDIS_URL: required in production/);
    expect(outcome.stderr).not.toContain('JWT_SECRET');
    // It never got as far as listening or opening a database.
    expect(outcome.stdout + outcome.stderr).not.toMatch(/listening on|embedded PostgreSQL/);
  });

  it('refuses a short production JWT_SECRET without printing it', async () => {
    const outcome = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://user:pw@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
      JWT_SECRET: 'sh0rt-s3cr3t',
    });
    expect(outcome.signal).toBeNull();
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(/JWT_SECRET: production needs a secret/);
    expect(outcome.stderr).not.toMatch(/DATABASE_URL|REDIS_URL/);
    expect(outcome.stdout + outcome.stderr).not.toContain('sh0rt-s3cr3t');
  });

  it('refuses PORT=abc in development, naming PORT', async () => {
    const outcome = await startServer({ NODE_ENV: 'development', PORT: 'abc' });
    expect(outcome.signal).toBeNull();
    expect(outcome.code).not.toBe(0);
    expect(outcome.code).not.toBeNull();
    expect(outcome.stderr).toMatch(/- PORT: .*\(got "abc"\)/);
    expect(outcome.stderr).not.toMatch(/DATABASE_URL|REDIS_URL|JWT_SECRET/);
    expect(outcome.stdout + outcome.stderr).not.toMatch(/listening on|embedded PostgreSQL/);
  });
});

/** A stack trace line (`    at fn (file:1:2)`): operators' mistakes are reported without one. */
const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe('start-up when a dependency or the port is not there (real process)', () => {
  it('refuses, in production, a database that does not exist, instead of creating it', async () => {
    const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    const missing = `oracx_missing_${process.pid}`;
    base.pathname = `/${missing}`;
    const outcome = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: base.toString(),
      REDIS_URL: 'redis://127.0.0.1:1',
      JWT_SECRET: 'k3J9x!vQ2m#Lr8Zp0wY5tE7uB4nC6aD1',
      PORT: '0',
    });
    const created = await query(
      process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      `select 1 from pg_database where datname = $1`,
      [missing],
    );
    if (created.length > 0) {
      await query(process.env.DATABASE_URL!, `drop database ${missing} with (force)`);
    }
    expect(created).toEqual([]);
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim()).toMatch(
      new RegExp(`^cannot open the database at .*/${missing} \\(DATABASE_URL\\): .*does not exist`),
    );
    expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
  });

  it('names the unreachable database in one line, without a stack or its password', async () => {
    const outcome = await startServer({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:1/oracxpred',
    });
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim()).toBe(
      'cannot open the database at 127.0.0.1:1/oracxpred (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
    expect(outcome.stdout + outcome.stderr).not.toContain('s3cret-pw');
    // What the start logged before it failed is printed as the JSON lines a log collector reads.
    const lines = outcome.stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    const parsed = lines.map((line) => JSON.parse(line) as { level?: unknown; context?: unknown });
    expect(parsed.every((line) => typeof line.level === 'number')).toBe(true);
    expect(parsed.map((line) => line.context)).toContain('NestFactory');
  });

  it('says why embedded PostgreSQL did not start, naming its settings, without a stack', async () => {
    // A data directory under a file: refused at once, before any initdb.
    const outcome = await startServer({
      NODE_ENV: 'development',
      EMBEDDED_PG_DIR: 'package.json/postgres',
    });
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /^embedded PostgreSQL did not start \(EMBEDDED_PG_DIR=\S*package\.json\/postgres, EMBEDDED_PG_PORT=54329\): EEXIST: .*; set DATABASE_URL to use your own server\n$/m,
    );
    expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
  });

  it("says why embedded PostgreSQL exited during its start, in PostgreSQL's words", async () => {
    // Not a fresh directory (PG_VERSION is there, so no initdb), yet no cluster: the server
    // exits at once. The package rejects with nothing then; this was a TypeError and a stack.
    const dir = mkdtempSync(path.join(tmpdir(), 'oracxpred-broken-pg-'));
    writeFileSync(path.join(dir, 'PG_VERSION'), '18\n');
    try {
      const outcome = await startServer({
        NODE_ENV: 'development',
        EMBEDDED_PG_DIR: dir,
        EMBEDDED_PG_PORT: '54398',
      });
      expect(outcome.signal).toBeNull();
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toMatch(
        /^embedded PostgreSQL did not start \(EMBEDDED_PG_DIR=\S+, EMBEDDED_PG_PORT=54398\): PostgreSQL exited at start: \S.*; set DATABASE_URL to use your own server\n$/m,
      );
      expect(outcome.stdout + outcome.stderr).not.toMatch(/TypeError|reading 'message'/);
      expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with the port already taken', () => {
    let database: { url: string; drop: () => Promise<void> };
    let holder: Server;
    let port: number;

    beforeAll(async () => {
      database = await createTestDatabase();
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      port = (holder.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise((resolve) => holder?.close(resolve));
      await database?.drop();
    });

    it('says the port is in use and how to choose another, and exits 1', async () => {
      const outcome = await startServer({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.url,
        PORT: String(port),
      });
      expect(outcome.signal).toBeNull();
      expect(outcome.code).toBe(1);
      expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
      expect(outcome.stderr).toContain(
        `cannot listen on 127.0.0.1:${port}: the port is already in use by another process ` +
          '(stop it, or choose a free port with PORT or METRICS_PORT)',
      );
      // Found before the application started: it never touched the database (no migrations).
      const tables = await query(
        database.url,
        "select 1 from information_schema.tables where table_schema = 'public'",
      );
      expect(tables).toEqual([]);
    });
  });

  it('refuses a weak ADMIN_PASSWORD naming the variable and the rule, without echoing it', async () => {
    const database = await createTestDatabase();
    try {
      const outcome = await startServer({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.url,
        ADMIN_EMAIL: 'root@example.org',
        ADMIN_PASSWORD: 'sh0rt-pw',
      });
      expect(outcome.signal).toBeNull();
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(
        'Invalid configuration:\n  - ADMIN_PASSWORD: password must have at least 12 characters\n',
      );
      expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
      expect(outcome.stdout + outcome.stderr).not.toContain('sh0rt-pw');
    } finally {
      await database.drop();
    }
  });

  it('reports a bad setting once, without a stack', async () => {
    const outcome = await startServer({ NODE_ENV: 'development', PORT: 'abc' });
    expect(outcome.stdout + outcome.stderr).not.toMatch(STACK_LINE);
    expect(outcome.stderr.match(/Invalid configuration/g)).toHaveLength(1);
  });
});
