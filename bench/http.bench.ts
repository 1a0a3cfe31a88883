// HTTP benchmark: requests/s and p50/p99 of a bare Fastify hello-world, and of the prediction
// endpoint served from the cache and computed (Cache-Control: no-cache), 100 connections, 10 s
// each after a warm-up; then the API process's resident memory.
//   npm run bench:http      (DATABASE_URL optional: an embedded PostgreSQL otherwise)
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emptyDatabase, sharedDataDir } from './support';
import { formatTable } from './table';

const CONNECTIONS = 100;
const DURATION_S = 10;
const WARM_UP_S = 3;
const ROOT = path.resolve(__dirname, '..');
const ADMIN = {
  email: 'load-test@oracxpred.test',
  password: `Kq7-${randomBytes(12).toString('hex')}`,
};

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function startProcess(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): ChildProcess {
  return fork(script, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function measure(name: string, options: Parameters<typeof autocannon>[0]): Promise<Row> {
  await autocannon({ ...options, connections: CONNECTIONS, duration: WARM_UP_S });
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: DURATION_S });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  sharedDataDir('football', 'history');
  const rows: Row[] = [];

  const hello = startProcess(path.join(__dirname, 'http-hello.ts'), { PORT: '3901' }, []);
  await new Promise((resolve) => hello.once('message', resolve));
  rows.push(await measure('bare Fastify hello-world', { url: 'http://127.0.0.1:3901/' }));
  hello.kill();

  const database = await emptyDatabase();
  const api = startProcess(path.join(ROOT, 'dist', 'src', 'main.js'), {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    REDIS_URL: '',
    PORT: '3902',
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'auto',
    SHARED_DATA_DIR: path.resolve(ROOT, '..', 'shared', 'data'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // The benchmark measures the service, not the per-account rate limit.
    RATE_LIMIT_USER: '1000000000',
  });
  const base = 'http://127.0.0.1:3902';
  try {
    process.stdout.write('waiting for the demo data and its first model...\n');
    const accessToken = await waitFor('the first admin to sign in', async () => {
      const login = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      return login.ok ? ((await login.json()) as { accessToken: string }).accessToken : undefined;
    });
    const headers = { authorization: `Bearer ${accessToken}` };
    const get = async <T>(route: string) =>
      (await (await fetch(`${base}${route}`, { headers })).json()) as T;
    await waitFor('a champion model', async () => {
      const aliases = await get<Array<{ champion: string | null }>>('/v1/models/aliases');
      return aliases.some((a) => a.champion) ? true : undefined;
    });
    const page = await get<{ items: Array<{ id: number }> }>(
      '/v1/matches?competition=england/premier-league&sort=-kickoff&pageSize=200',
    );
    const ids = page.items.map((m) => m.id);
    // Fill the cache, then measure hits on one match and computations across 200.
    for (const id of ids) await get(`/v1/matches/${id}/prediction`);
    rows.push(
      await measure('prediction, cached', {
        url: `${base}/v1/matches/${ids[0]}/prediction`,
        headers,
      }),
    );
    rows.push(
      await measure('prediction, uncached (no-cache)', {
        url: base,
        requests: ids.map((id) => ({
          method: 'GET',
          path: `/v1/matches/${id}/prediction`,
          headers: { ...headers, 'cache-control': 'no-cache' },
        })),
      }),
    );
    const rss = rssMb(api.pid as number);
    const bare = rows[0].rps;
    process.stdout.write(
      `\n${formatTable(
        ['endpoint', 'req/s', 'vs bare', 'p50 ms', 'p99 ms', 'errors'],
        rows.map((r) => [
          r.name,
          r.rps.toFixed(0),
          `${((r.rps / bare) * 100).toFixed(0)}%`,
          String(r.p50),
          String(r.p99),
          String(r.errors),
        ]),
      )}\n\nAPI process RSS after the run: ${rss.toFixed(0)} MB\n` +
        `targets: cached >= 50% of bare with p99 <= 15 ms; uncached >= 2,000 req/s; RSS < 256 MB\n`,
    );
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
