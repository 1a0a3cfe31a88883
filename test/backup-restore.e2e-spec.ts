import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { query } from './support/databases';
import { uploadImport, waitForImport } from './support/imports';
import { startTestApp, TestApp } from './support/test-app';

const ROOT = path.resolve(__dirname, '..');
const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name));

/** Row counts of every table, and a checksum of the matches' full contents. */
async function snapshot(url: string) {
  const tables = await query<{ table_name: string }>(
    url,
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await query<{ n: string }>(url, `select count(*) as n from "${table_name}"`);
    counts[table_name] = Number(row.n);
  }
  if (!('matches' in counts)) return { counts, checksum: null };
  const [{ checksum }] = await query<{ checksum: string | null }>(
    url,
    "select md5(string_agg(m::text, E'\\n' order by m.id)) as checksum from matches m",
  );
  return { counts, checksum };
}

function script(name: string, args: string[], databaseUrl: string) {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', name), ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

/**
 * The scripts need pg_dump and pg_restore of the server's major version or newer: without them
 * every test below would fail on an exit code, not on the reason (e.g. the embedded PostgreSQL 18
 * of `npm test` without DATABASE_URL beside a machine's PostgreSQL 15 client).
 */
async function requireClientToolsFor(url: string): Promise<void> {
  const [{ server_version_num }] = await query<{ server_version_num: string }>(
    url,
    'show server_version_num',
  );
  const serverMajor = Math.floor(Number(server_version_num) / 10000);
  for (const tool of ['pg_dump', 'pg_restore']) {
    const version = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    const major = Number(/(\d+)\.\d+/.exec(version.stdout ?? '')?.[1] ?? 0);
    if (version.status !== 0 || major < serverMajor) {
      throw new Error(
        `the backup tests need ${tool} ${serverMajor} or newer for this PostgreSQL ${serverMajor} ` +
          `server; found ${version.status === 0 ? version.stdout.trim() : 'none'}. Install the ` +
          `PostgreSQL ${serverMajor} client tools, or run the tests with DATABASE_URL set to a ` +
          'server your client tools match (as CI does).',
      );
    }
  }
}

describe('scripts/backup.sh and scripts/restore.sh (real pg_dump / pg_restore)', () => {
  let testApp: TestApp;
  let url: string;
  let dir: string;
  let original: Awaited<ReturnType<typeof snapshot>>;
  let backup: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    url = testApp.databaseUrl;
    await requireClientToolsFor(url);
    for (const [file, name] of [
      ['international-sample.csv', 'international.csv'],
      ['bad-rows.football-data.csv', 'bad-rows.csv'],
    ]) {
      const response = await uploadImport(testApp.asAdmin, fixture(file), name);
      expect((await waitForImport(testApp.asAdmin, response.json().id)).status).toBe('succeeded');
    }
    // The service stops before a restore, as the runbook says.
    await testApp.app.close();
    original = await snapshot(url);
    dir = mkdtempSync(path.join(tmpdir(), 'oracxpred-backups-'));
  });
  afterAll(async () => {
    // Set last in beforeAll: absent when it stopped earlier (no matching pg_dump, say), whose
    // own message is the one to read, not a TypeError from here.
    if (dir) rmSync(dir, { recursive: true, force: true });
    await testApp?.close().catch(() => undefined); // the app is closed already; this drops the database
  });

  it('has real data to protect', () => {
    expect(original.counts.matches).toBeGreaterThan(20);
    expect(original.counts.odds_snapshots).toBeGreaterThan(0);
    expect(original.counts.teams).toBeGreaterThan(20);
    expect(original.checksum).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes a custom-format archive with its checksum', () => {
    const result = script('backup.sh', ['--dir', dir], url);
    expect(result.code).toBe(0);
    backup = result.stdout;
    expect(path.basename(backup)).toMatch(/^oracxpred-\d{8}T\d{9}Z\.dump$/);
    expect(readFileSync(backup).subarray(0, 5).toString()).toBe('PGDMP'); // custom format
    expect(readFileSync(`${backup}.sha256`, 'utf8')).toContain(path.basename(backup));
  });

  it('restores every row after the database is wiped', async () => {
    await query(url, 'drop schema public cascade; create schema public');
    expect(await snapshot(url)).toEqual({ counts: {}, checksum: null });

    const result = script('restore.sh', [backup, '--yes'], url);
    expect(result.stderr).toContain('restored');
    expect(result.code).toBe(0);
    expect(await snapshot(url)).toEqual(original);
  });

  it('restores over changed data, back to the backed-up state', async () => {
    await query(url, 'update matches set home_goals = 9 where id = (select min(id) from matches)');
    await query(url, 'delete from odds_snapshots');
    expect((await snapshot(url)).checksum).not.toBe(original.checksum);
    expect(script('restore.sh', [backup, '--yes'], url).code).toBe(0);
    expect(await snapshot(url)).toEqual(original);
  });

  it('refuses an archive that does not match its checksum, changing nothing', async () => {
    const tampered = path.join(dir, 'tampered.dump');
    const bytes = readFileSync(backup);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(tampered, bytes);
    writeFileSync(
      `${tampered}.sha256`,
      readFileSync(`${backup}.sha256`, 'utf8').replace(path.basename(backup), 'tampered.dump'),
    );
    const result = script('restore.sh', [tampered, '--yes'], url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does not match its checksum');
    expect(await snapshot(url)).toEqual(original);
  });

  it('asks for --yes before replacing anything', () => {
    const result = script('restore.sh', [backup], url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--yes');
  });

  it('keeps only the newest backups (--keep)', () => {
    const made = [1, 2, 3].map(
      () => script('backup.sh', ['--dir', dir, '--keep', '2'], url).stdout,
    );
    const dumps = readdirSync(dir)
      .filter((f) => /^oracxpred-.*\.dump$/.test(f))
      .sort();
    expect(dumps).toEqual(made.slice(1).map((f) => path.basename(f)));
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.sha256'))
        .sort(),
    ).toEqual([...dumps.map((f) => `${f}.sha256`), 'tampered.dump.sha256'].sort());
  });
});

describe('scripts/backup.sh and scripts/restore.sh command lines', () => {
  const unreachable = 'postgres://app:pw@127.0.0.1:1/none';

  it.each([
    [['--dir'], 'backup.sh: --dir needs a value'],
    [['--dir', '--keep', '3'], 'backup.sh: --dir needs a value'],
    [['--keep'], 'backup.sh: --keep needs a value'],
    [['--max-age-days', ''], 'backup.sh: --max-age-days needs a value'],
  ])('backup.sh %j names the option missing its value, exit 2', (args, message) => {
    const result = script('backup.sh', args, unreachable);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 2,
      stderr: message,
    });
  });

  it('restore.sh refuses two backup files instead of restoring the last one', () => {
    const result = script('restore.sh', ['first.dump', 'second.dump', '--yes'], unreachable);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'restore.sh: name one backup file (got first.dump and second.dump)',
    });
  });
});
