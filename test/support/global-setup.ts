import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';

/**
 * The e2e tests run against real PostgreSQL: DATABASE_URL when given (CI), else an embedded
 * server started here for the run. Each test file then creates its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.ORACXPRED_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const parent = mkdtempSync(path.join(tmpdir(), 'oracxpred-test-'));
  // initdb runs as an unprivileged user when we are root: it must be able to enter the folder.
  chmodSync(parent, 0o755);
  const dir = path.join(parent, 'postgres');
  const port = 55000 + (process.pid % 5000);
  const handle = await startEmbeddedPostgres(dir, port, (message) =>
    process.stderr.write(`${message}\n`),
  );
  process.env.ORACXPRED_TEST_ADMIN_URL = handle.url;
  (globalThis as { __embeddedPostgres?: typeof handle }).__embeddedPostgres = handle;
}
