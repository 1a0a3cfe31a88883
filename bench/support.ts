import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/infrastructure/database/embedded-postgres';

export const SHARED_DATA_DIR = path.resolve(__dirname, '..', '..', 'shared', 'data');

/** A data folder of ../shared/data; exits with a clear message when it is missing. */
export function sharedDataDir(...parts: string[]): string {
  const dir = path.join(SHARED_DATA_DIR, ...parts);
  if (!existsSync(dir)) {
    process.stderr.write(
      `missing real data ${dir}: benchmarks need ../shared/data beside the repository\n`,
    );
    process.exit(1);
  }
  return dir;
}

/** An empty database on DATABASE_URL's server, or on an embedded PostgreSQL started here. */
export async function emptyDatabase(): Promise<{ url: string; dispose: () => Promise<void> }> {
  let serverUrl = process.env.DATABASE_URL;
  let stopServer: () => Promise<void> = async () => undefined;
  if (!serverUrl) {
    const parent = mkdtempSync(path.join(tmpdir(), 'oracxpred-bench-'));
    chmodSync(parent, 0o755);
    const handle = await startEmbeddedPostgres(
      path.join(parent, 'postgres'),
      55432,
      () => undefined,
    );
    serverUrl = handle.url;
    stopServer = handle.stop;
  }
  const name = `oracx_bench_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dispose: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      await stopServer();
    },
  };
}

/** Runs psql with a connection URL (password taken from it), returning stdout. */
export function psql(url: string, args: string[]): string {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', ...args], { encoding: 'utf8' });
}

export function printTable(
  title: string,
  header: string[],
  rows: Array<Array<string | number>>,
): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    `│ ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string) =>
    `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  process.stdout.write(
    `\n${title}\n${rule('┌', '┬', '┐')}\n${line(header)}\n${rule('├', '┼', '┤')}\n`,
  );
  for (const row of cells.slice(1)) process.stdout.write(`${line(row)}\n`);
  process.stdout.write(`${rule('└', '┴', '┘')}\n`);
}
