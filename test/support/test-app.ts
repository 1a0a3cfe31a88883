import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { createApp as CreateApp } from '../../src/bootstrap';
import { randomBytes } from 'node:crypto';
import { SHARED_DATA_DIR } from '../fixtures/shared-data';
import { createTestDatabase } from './databases';

type InjectOptions = Exclude<Parameters<NestFastifyApplication['inject']>[0], string | undefined>;
export type InjectResponse = Awaited<ReturnType<NestFastifyApplication['inject']>>;
export type Inject = (options: InjectOptions) => Promise<InjectResponse>;

/** The admin every test app creates on first start (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const TEST_ADMIN = {
  email: 'admin@oracxpred.test',
  password: 'tidal-kettle-orange-42',
};

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
  tokenType: 'Bearer';
}

export interface TestApp {
  app: NestFastifyApplication;
  databaseUrl: string;
  /** Requests signed with the test admin's access token (unless they carry their own). */
  asAdmin: Inject;
  /** POST /v1/auth/login; fails the test unless it answers 200. */
  login(email: string, password: string): Promise<TokenPair>;
  /** Requests with `Authorization: Bearer <token>`. */
  withToken(token: string): Inject;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Use this database (shared with another app) instead of a fresh one; not dropped on close. */
  databaseUrl?: string;
}

/**
 * Boots the real application on a fresh database (and, when REDIS_URL is set, real Bull on
 * Redis under a queue prefix of its own). Environment is set before the app's modules load,
 * since the configuration is validated when they are imported. Rate limits are raised out of
 * the way unless a test sets them; the test admin is created from ADMIN_EMAIL/ADMIN_PASSWORD
 * (pass ADMIN_EMAIL: '' and ADMIN_PASSWORD: '' to start without one).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestApp> {
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL: database.url,
    QUEUE_PREFIX: `oracx-test-${randomBytes(4).toString('hex')}`,
    SHARED_DATA_DIR,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_ANONYMOUS: '1000000',
    RATE_LIMIT_USER: '1000000',
    RATE_LIMIT_AUTH: '1000000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    ...env,
  });
  // Loaded only now, after the environment is set: the configuration is validated on import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require('../../src/bootstrap') as { createApp: typeof CreateApp };
  const app = await createApp();
  await app.getHttpAdapter().getInstance().ready();

  const withToken =
    (token: string): Inject =>
    (request) =>
      app.inject({
        ...request,
        headers: { authorization: `Bearer ${token}`, ...request.headers },
      });
  const login = async (email: string, password: string): Promise<TokenPair> => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password },
    });
    if (response.statusCode !== 200) {
      throw new Error(`login of ${email} answered ${response.statusCode}: ${response.body}`);
    }
    return response.json<TokenPair>();
  };
  let adminToken: Promise<string> | undefined;
  const asAdmin: Inject = async (request) => {
    adminToken ??= login(TEST_ADMIN.email, TEST_ADMIN.password).then((t) => t.accessToken);
    return withToken(await adminToken)(request);
  };
  return {
    app,
    databaseUrl: database.url,
    asAdmin,
    login,
    withToken,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
