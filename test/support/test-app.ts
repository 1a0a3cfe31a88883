import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { createApp as CreateApp } from '../../src/bootstrap';
import { randomBytes } from 'node:crypto';
import { SHARED_DATA_DIR } from '../fixtures/shared-data';
import { createTestDatabase } from './databases';

export interface TestApp {
  app: NestFastifyApplication;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Boots the real application on a fresh database (and, when REDIS_URL is set, real Bull on
 * Redis under a queue prefix of its own). Environment is set before the app's modules load,
 * since the configuration is validated when they are imported.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL: database.url,
    QUEUE_PREFIX: `oracx-test-${randomBytes(4).toString('hex')}`,
    SHARED_DATA_DIR,
    ...env,
  });
  // Loaded only now, after the environment is set: the configuration is validated on import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require('../../src/bootstrap') as { createApp: typeof CreateApp };
  const app = await createApp();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
