import type { EmbeddedPostgresHandle } from '../../src/infrastructure/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __embeddedPostgres?: EmbeddedPostgresHandle }).__embeddedPostgres?.stop();
}
