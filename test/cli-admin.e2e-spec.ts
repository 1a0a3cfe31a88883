import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestDatabase, query } from './support/databases';

const ROOT = path.resolve(__dirname, '..');

/** Runs `npm run cli -- <args>` (the same entry point) with `stdin` piped in. */
function cli(
  databaseUrl: string,
  args: string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
        '-r',
        '@swc-node/register',
        'src/cli/main.ts',
        ...args,
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: databaseUrl, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('first admin from the CLI (npm run cli -- create-admin)', () => {
  let database: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('migrate counts what it applied, also when opening the database applied it (outside production)', async () => {
    const fresh = await createTestDatabase();
    try {
      const migrations = readdirSync(path.join(ROOT, 'migrations')).filter((f) =>
        /^Migration\d+\.ts$/.test(f),
      );
      const first = await cli(fresh.url, ['migrate']);
      expect([first.code, first.stdout.trim()]).toEqual([
        0,
        `${migrations.length} migration(s) applied; the schema is up to date`,
      ]);
      const again = await cli(fresh.url, ['migrate']);
      expect(again.stdout.trim()).toBe('0 migration(s) applied; the schema is up to date');
    } finally {
      await fresh.drop();
    }
  });

  it('creates an admin with a password read from stdin', async () => {
    const result = await cli(
      database.url,
      ['create-admin', '--email', 'Root@Example.org', '--password-stdin'],
      'granite-willow-compass-8\n',
    );
    expect(result.stderr).not.toContain('granite-willow-compass-8');
    // No "no admin account yet" reminder while it creates one.
    expect(result.stdout + result.stderr).not.toContain('no admin');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/admin Root@Example.org created/);
    expect(result.stdout).not.toContain('granite-willow-compass-8');
    const rows = await query<{ email: string; role: string; password_hash: string }>(
      database.url,
      'select email, role, password_hash from users',
    );
    expect(rows).toEqual([
      {
        email: 'root@example.org',
        role: 'admin',
        password_hash: expect.stringMatching(/^\$argon2id\$/),
      },
    ]);
  });

  it('generates a strong password, printed once, when none is piped in', async () => {
    const result = await cli(database.url, ['create-admin', '--email', 'second@example.org']);
    expect(result.code).toBe(0);
    const password = /password: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toMatch(/^[\w-]{24}$/);
  });

  it.each([
    [
      'an existing e-mail address',
      ['create-admin', '--email', 'root@example.org', '--password-stdin'],
      'granite-willow-compass-9\n',
      /exists already/,
    ],
    [
      'a weak password',
      ['create-admin', '--email', 'weak@example.org', '--password-stdin'],
      'password1234\n',
      /password/,
    ],
  ])('refuses %s with exit code 1', async (_case, args, stdin, reason) => {
    const result = await cli(database.url, args, stdin);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(reason);
  });

  it('asks for --email', async () => {
    const result = await cli(database.url, ['create-admin']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--email');
  });

  it('refuses an address that is not one, creating nothing', async () => {
    const result = await cli(database.url, ['create-admin', '--email', 'not-an-address']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/create-admin refused: email: email must be an email/);
    const rows = await query(database.url, "select 1 from users where email = 'not-an-address'");
    expect(rows).toEqual([]);
  });

  it('says what is wrong with a command line instead of ignoring or crashing', async () => {
    const unknown = await cli(database.url, ['import', 'x.csv', '--strickt']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('import: unknown option --strickt');
    const missing = await cli(database.url, ['import', 'no-such-file.csv']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('import refused: cannot read no-such-file.csv: no such file');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its usage for --help, exiting 0, and refuses an unknown command even with --help', async () => {
    for (const args of [['--help'], ['import', '--help'], ['create-admin', '--help']]) {
      const help = await cli(database.url, args);
      expect({ args, code: help.code }).toEqual({ args, code: 0 });
      expect(help.stdout).toMatch(/^Usage:\n {2}npm run cli -- import <path\|url>/);
    }
    const unknown = await cli(database.url, ['bogus', '--help']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "bogus"');
  });

  it('names a missing argument without starting anything, even with the database down', async () => {
    const down = 'postgres://app:pw@127.0.0.1:1/none';
    const missing = await cli(down, ['import']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^import needs <path\|url>\n/);
    const bare = await cli(down, ['import', 'E0.csv', '--format']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^import: --format needs a value\n/);
  });

  it('loads demo data into an empty database only, never over real data', async () => {
    const env = { SHARED_DATA_DIR: '/nonexistent' }; // the generated league, not the real files
    const imported = await cli(
      database.url,
      ['import', path.join(__dirname, 'fixtures', 'international-sample.csv')],
      '',
      env,
    );
    expect(imported.code).toBe(0);
    const count = async () =>
      Number((await query<{ n: string }>(database.url, 'select count(*) as n from matches'))[0].n);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const demo = await cli(database.url, ['demo'], '', env);
    expect({ code: demo.code, stderr: demo.stderr.trim() }).toEqual({
      code: 1,
      stderr:
        'demo refused: the database has matches already (demo data goes into an empty database only)',
    });
    expect(await count()).toBe(before);
    const empty = await createTestDatabase();
    try {
      const loaded = await cli(empty.url, ['demo'], '', env);
      expect(loaded.code).toBe(0);
      expect(loaded.stdout).toMatch(/demo data loaded\n$/);
      const [{ n }] = await query<{ n: string }>(empty.url, 'select count(*) as n from matches');
      expect(Number(n)).toBeGreaterThan(100);
    } finally {
      await empty.drop();
    }
  });

  it('reports a database it cannot reach, or a bad setting, in one line without a stack', async () => {
    const down = await cli('postgres://app:s3cret-pw@127.0.0.1:1/none', ['migrate']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toBe(
      'cannot open the database at 127.0.0.1:1/none (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1',
    );
    const badSetting = await cli(database.url, ['migrate'], '', { PORT: 'abc' });
    expect(badSetting.code).toBe(1);
    expect(badSetting.stderr).toMatch(/^Invalid configuration:\n {2}- PORT: .*\(got "abc"\)\n$/);
  });

  it('runs beside the server with its settings, METRICS_PORT included (the server holds that port)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const metricsPort = String((server.address() as AddressInfo).port);
      const result = await cli(
        database.url,
        ['create-admin', '--email', 'beside@example.org'],
        '',
        { METRICS_PORT: metricsPort },
      );
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/admin beside@example.org created/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// Real Redis only: without REDIS_URL the suite reports itself skipped, saying why.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis(
  redisUrl ? 'the CLI with Redis' : 'the CLI with Redis (skipped: REDIS_URL not set)',
  () => {
    let database: { url: string; drop: () => Promise<void> };

    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(() => database?.drop());

    // The CLI refuses to run with job workers (it checks its own configuration), so a setting
    // applied after the configuration was read would fail here, every time.
    it('only enqueues, like an api replica: migrate runs no job workers', async () => {
      const env = { REDIS_URL: redisUrl!, QUEUE_PREFIX: `cli-${process.pid}` };
      for (const run of [1, 2]) {
        const result = await cli(database.url, ['migrate'], '', env);
        expect({ run, code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
        expect(result.stdout).toMatch(/migration\(s\) applied; the schema is up to date/);
      }
    });
  },
);
