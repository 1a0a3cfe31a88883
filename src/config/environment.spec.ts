import { ConfigurationError, Environment, Profile, validateEnvironment } from './environment';

/** The message validateEnvironment throws for `raw`, or a failure when it does not throw. */
function errorFor(raw: Record<string, unknown>): string {
  try {
    validateEnvironment(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

/** The variable names the message lists as problems ("  - NAME: reason"). */
function namedVariables(message: string): string[] {
  return [...message.matchAll(/^\s+- ([A-Z_]+):/gm)].map((match) => match[1]);
}

const PRODUCTION_READY = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:pw@db.internal:5432/oracxpred',
  REDIS_URL: 'redis://redis.internal:6379',
  JWT_SECRET: 'k3J9x!vQ2m#Lr8Zp0wY5tE7uB4nC6aD1',
};

describe('validateEnvironment', () => {
  it('accepts an empty environment in development, with the documented defaults', () => {
    const env = validateEnvironment({});
    expect(env).toBeInstanceOf(Environment);
    expect(env).toMatchObject({
      NODE_ENV: Profile.Development,
      ORACXPRED_ROLE: 'all',
      PORT: 3000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DEMO_DATA: 'auto',
      QUEUE_PREFIX: 'oracxpred',
      IMPORT_MAX_UPLOAD_MB: 50,
      IMPORT_URL_TIMEOUT_MS: 30000,
      TEAM_MERGE_LOCK_TIMEOUT_MS: 10000,
      OVERDUE_FIXTURE_HOURS: 48,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('converts numeric strings and treats empty URLs as unset', () => {
    const env = validateEnvironment({ PORT: '8080', DATABASE_URL: '', REDIS_URL: '' });
    expect(env.PORT).toBe(8080);
    expect(validateEnvironment({ PORT: ' 8081 ' }).PORT).toBe(8081);
    expect(
      validateEnvironment({ AUTO_PROMOTE_MARGIN: '.005', AB_CHALLENGER_SHARE: '0.25' }),
    ).toMatchObject({ AUTO_PROMOTE_MARGIN: 0.005, AB_CHALLENGER_SHARE: 0.25 });
    expect(validateEnvironment({ AUTO_PROMOTE_MARGIN: '2e-3' }).AUTO_PROMOTE_MARGIN).toBe(0.002);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('accepts the test profile without DATABASE_URL or REDIS_URL', () => {
    expect(validateEnvironment({ NODE_ENV: 'test' }).NODE_ENV).toBe(Profile.Test);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3.5'],
    ['PORT', ' '],
    ['PORT', '0x10'],
    ['PORT', '1e3'],
    ['SHUTDOWN_TIMEOUT_MS', '0x7530'],
    ['AB_CHALLENGER_SHARE', ' '],
    ['AB_CHALLENGER_SHARE', '0x1'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['DEMO_DATA', 'maybe'],
    ['ORACXPRED_ROLE', 'x'],
    ['EMBEDDED_PG_PORT', '80'],
    ['IMPORT_MAX_UPLOAD_MB', '0'],
    ['IMPORT_URL_TIMEOUT_MS', 'soon'],
    ['TEAM_MERGE_LOCK_TIMEOUT_MS', '0'],
    ['TEAM_MERGE_LOCK_TIMEOUT_MS', '2.5'],
    ['OVERDUE_FIXTURE_HOURS', '0'],
    ['OVERDUE_FIXTURE_HOURS', '8761'],
    ['OVERDUE_FIXTURE_HOURS', '1.5'],
    ['QUEUE_PREFIX', ''],
    ['JWT_SECRET', 'short'],
    ['METRICS_PORT', '0'],
    ['METRICS_PORT', 'x'],
    ['SHUTDOWN_DELAY_MS', '-5'],
    ['SHUTDOWN_TIMEOUT_MS', '10'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'ftp://collector'],
  ])('refuses %s=%j, naming that variable only', (name, value) => {
    const message = errorFor({ [name]: value });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(namedVariables(message)).toEqual([name]);
  });

  it('defaults the operations settings: metrics on PORT, no shutdown delay, 25 s to drain', () => {
    const env = validateEnvironment({});
    expect(env.METRICS_PORT).toBeUndefined();
    expect(env).toMatchObject({ SHUTDOWN_DELAY_MS: 0, SHUTDOWN_TIMEOUT_MS: 25000 });
    expect(validateEnvironment({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
  });

  it.each(['api', 'worker'])('refuses ORACXPRED_ROLE=%s without REDIS_URL', (role) => {
    const message = errorFor({ ORACXPRED_ROLE: role });
    expect(namedVariables(message)).toEqual(['ORACXPRED_ROLE']);
    expect(message).toContain(`${role} needs REDIS_URL`);
    expect(
      validateEnvironment({ ORACXPRED_ROLE: role, REDIS_URL: 'redis://r:6379' }),
    ).toMatchObject({
      ORACXPRED_ROLE: role,
    });
  });

  it.each(['* * *', '0 3 * *', '0 0 3 * * * *', 'not a cron', '61 * * * *'])(
    'refuses TRAINING_SCHEDULE=%j, a cron of 5 or 6 fields only',
    (cron) => {
      const message = errorFor({ TRAINING_SCHEDULE: cron });
      expect(namedVariables(message)).toEqual(['TRAINING_SCHEDULE']);
    },
  );

  it.each(['0 3 * * *', '0 3 * * MON', '*/30 0 3 * * *', ' 0 3 * * * '])(
    'accepts TRAINING_SCHEDULE=%j',
    (cron) => {
      expect(validateEnvironment({ TRAINING_SCHEDULE: cron }).TRAINING_SCHEDULE).toBe(cron);
    },
  );

  it('says only "not a number" of a value that is none, not that it is out of bounds', () => {
    expect(errorFor({ PORT: 'abc' })).toBe(
      'Invalid configuration:\n  - PORT: PORT must be an integer number (got "abc")',
    );
    expect(errorFor({ AB_CHALLENGER_SHARE: 'half' })).not.toMatch(/greater|less/);
    expect(errorFor({ PORT: '70000' })).toContain('PORT must not be greater than 65535');
  });

  it('quotes the value as given, not its conversion', () => {
    expect(errorFor({ PORT: 'abc' })).toContain('(got "abc")');
    expect(errorFor({ PORT: '70000' })).toContain('(got "70000")');
  });

  it('never echoes a refused secret', () => {
    const message = errorFor({ JWT_SECRET: 'hunter2', PORT: 'abc' });
    expect(namedVariables(message).sort()).toEqual(['JWT_SECRET', 'PORT']);
    expect(message).not.toContain('hunter2');
    expect(message).toContain('[redacted]');
  });

  it('refuses a DATABASE_URL or REDIS_URL that is not a URL of its kind, without echoing it', () => {
    for (const [DATABASE_URL, REDIS_URL] of [
      ['db.internal:5432/oracxpred', 'redis.internal:6379'],
      ['mysql://app:pw-123@db/oracxpred', 'http://:pw-123@redis:6379'],
      ['postgres://app:pw-123@db.internal:5432', 'pw-123'],
    ]) {
      const message = errorFor({ DATABASE_URL, REDIS_URL });
      expect(namedVariables(message).sort()).toEqual(['DATABASE_URL', 'REDIS_URL']);
      expect(message).toContain('DATABASE_URL: must be a postgres:// URL naming a database');
      expect(message).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
      expect(message).not.toContain('pw-123');
    }
  });

  it('accepts the URL forms of PostgreSQL and Redis', () => {
    for (const [DATABASE_URL, REDIS_URL] of [
      ['postgres://app:pw@db.internal:5432/oracxpred', 'redis://redis.internal:6379'],
      ['postgresql://app@db/oracxpred?sslmode=require', 'rediss://:pw@redis.internal:6380/2'],
      ['postgres:///oracxpred?host=/var/run/postgresql', 'redis://127.0.0.1'],
    ]) {
      expect(validateEnvironment({ DATABASE_URL, REDIS_URL })).toMatchObject({ DATABASE_URL });
    }
  });

  it('refuses an empty or malformed HOST, which would listen on every interface or fail late', () => {
    for (const HOST of ['', 'not a host!', 'http://0.0.0.0']) {
      expect(namedVariables(errorFor({ HOST }))).toEqual(['HOST']);
    }
    for (const HOST of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'api.internal']) {
      expect(validateEnvironment({ HOST }).HOST).toBe(HOST);
    }
  });

  it('refuses METRICS_PORT equal to PORT, and an empty EMBEDDED_PG_DIR', () => {
    expect(errorFor({ PORT: '8080', METRICS_PORT: '8080' })).toContain(
      'METRICS_PORT: must differ from PORT (both 8080)',
    );
    expect(errorFor({ METRICS_PORT: '3000' })).toContain('METRICS_PORT: must differ from PORT');
    expect(validateEnvironment({ PORT: '8080', METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(namedVariables(errorFor({ EMBEDDED_PG_DIR: '' }))).toEqual(['EMBEDDED_PG_DIR']);
  });

  it('names every bad variable at once', () => {
    const message = errorFor({ PORT: 'abc', LOG_LEVEL: 'loud', DEMO_DATA: 'maybe' });
    expect(namedVariables(message).sort()).toEqual(['DEMO_DATA', 'LOG_LEVEL', 'PORT']);
    expect(message).toContain('"loud"');
  });

  describe('identity and access settings', () => {
    const previousKeys = (keys: unknown) => ({ JWT_PREVIOUS_KEYS: JSON.stringify(keys) });
    const retired = {
      kid: 'k0',
      secret: 'old-secret-0123456789-abcdefghij',
      retiredAt: '2026-11-01T00:00:00Z',
    };

    it('accepts retired signing keys and parses them', () => {
      expect(validateEnvironment(previousKeys([retired])).JWT_PREVIOUS_KEYS).toBeDefined();
    });

    it.each([
      ['invalid JSON', { JWT_PREVIOUS_KEYS: '[{' }],
      ['not an array', previousKeys({ kid: 'k0' })],
      ['a bad kid', previousKeys([{ ...retired, kid: 'bad kid!' }])],
      ['a short secret', previousKeys([{ ...retired, secret: 'short' }])],
      ['no retiredAt', previousKeys([{ kid: 'k0', secret: retired.secret }])],
      ['the current kid', { ...previousKeys([{ ...retired, kid: 'k1' }]), JWT_KEY_ID: 'k1' }],
    ])('refuses JWT_PREVIOUS_KEYS with %s, never echoing it', (_case, raw) => {
      const message = errorFor(raw);
      expect(namedVariables(message)).toEqual(['JWT_PREVIOUS_KEYS']);
      expect(message).not.toContain(retired.secret);
    });

    it('refuses a weak retired key in production', () => {
      const message = errorFor({
        ...PRODUCTION_READY,
        ...previousKeys([{ ...retired, secret: 'change-me-change-me-change-me!!' }]),
      });
      expect(namedVariables(message)).toEqual(['JWT_PREVIOUS_KEYS']);
      expect(message).not.toContain('change-me-change-me');
    });

    it('needs ADMIN_EMAIL and ADMIN_PASSWORD together, and never echoes the password', () => {
      expect(namedVariables(errorFor({ ADMIN_EMAIL: 'a@example.org' }))).toEqual(['ADMIN_EMAIL']);
      const message = errorFor({ ADMIN_PASSWORD: 'hunter2-hunter2' });
      expect(namedVariables(message)).toEqual(['ADMIN_EMAIL']);
      expect(message).not.toContain('hunter2');
      expect(namedVariables(errorFor({ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'x' }))).toEqual([
        'ADMIN_EMAIL',
      ]);
    });

    it.each([
      ['API_KEY_PLANS', { API_KEY_PLANS: 'free=600' }],
      ['API_KEY_DEFAULT_PLAN', { API_KEY_DEFAULT_PLAN: 'gold' }],
      ['CORS_ORIGINS', { CORS_ORIGINS: 'https://ok.example.org, not a url' }],
      ['CORS_ORIGINS', { CORS_ORIGINS: 'https://app.example.org/path' }],
      ['TRUSTED_PROXIES', { TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' }],
      ['TRUSTED_PROXIES', { TRUSTED_PROXIES: '10.0.0.0/40' }],
      ['WEBHOOK_ALLOWED_NETWORKS', { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1, localhost' }],
      ['IMPORT_ALLOWED_NETWORKS', { IMPORT_ALLOWED_NETWORKS: '10.0.0.0/8, files.internal' }],
      ['WEBHOOK_ALLOW_HTTP', { WEBHOOK_ALLOW_HTTP: 'yes' }],
      ['WEBHOOK_MAX_ATTEMPTS', { WEBHOOK_MAX_ATTEMPTS: '0' }],
      ['WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION', { WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION: '0' }],
      ['WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION', { WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION: '11' }],
      ['REGISTRATION', { REGISTRATION: 'sometimes' }],
      ['JWT_ACCESS_TTL_SECONDS', { JWT_ACCESS_TTL_SECONDS: '5' }],
    ])('refuses a bad %s', (name, raw) => {
      expect(namedVariables(errorFor(raw))).toEqual([name]);
    });

    it('accepts lists of origins and proxies', () => {
      const env = validateEnvironment({
        CORS_ORIGINS: 'https://app.example.org, http://localhost:5173',
        TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7, fd00::/8',
        WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8, ::1',
        IMPORT_ALLOWED_NETWORKS: '10.1.2.0/24',
        API_KEY_PLANS: 'free:60, pro:600, team:6000',
        API_KEY_DEFAULT_PLAN: 'pro',
      });
      expect(env.CORS_ORIGINS).toContain('localhost');
    });
  });

  describe('production', () => {
    it('starts with everything set', () => {
      const env = validateEnvironment(PRODUCTION_READY);
      expect(env.NODE_ENV).toBe(Profile.Production);
      expect(env.DATABASE_URL).toBe(PRODUCTION_READY.DATABASE_URL);
      expect(env.REDIS_URL).toBe(PRODUCTION_READY.REDIS_URL);
    });

    it('requires DATABASE_URL and REDIS_URL, naming both', () => {
      const message = errorFor({ ...PRODUCTION_READY, DATABASE_URL: undefined, REDIS_URL: '' });
      expect(namedVariables(message).sort()).toEqual(['DATABASE_URL', 'REDIS_URL']);
    });

    it('requires DATABASE_URL alone', () => {
      const message = errorFor({ ...PRODUCTION_READY, DATABASE_URL: '' });
      expect(namedVariables(message)).toEqual(['DATABASE_URL']);
    });

    it('requires REDIS_URL alone', () => {
      const message = errorFor({ ...PRODUCTION_READY, REDIS_URL: undefined });
      expect(namedVariables(message)).toEqual(['REDIS_URL']);
    });

    it('refuses the default JWT_SECRET (when none is given)', () => {
      const { JWT_SECRET: _unused, ...withoutSecret } = PRODUCTION_READY;
      expect(namedVariables(errorFor(withoutSecret))).toEqual(['JWT_SECRET']);
    });

    it.each(['development-secret-change-me-development-secret', 'change-me', 'secret'])(
      'refuses the known default secret %j',
      (secret) => {
        const message = errorFor({ ...PRODUCTION_READY, JWT_SECRET: secret });
        expect(namedVariables(message)).toContain('JWT_SECRET');
        // The refused secret itself is never echoed back.
        expect(message).not.toContain(`"${secret}"`);
      },
    );

    it('refuses a secret shorter than 32 characters', () => {
      const message = errorFor({ ...PRODUCTION_READY, JWT_SECRET: 'a'.repeat(31) });
      expect(namedVariables(message)).toEqual(['JWT_SECRET']);
      expect(
        validateEnvironment({ ...PRODUCTION_READY, JWT_SECRET: 'a'.repeat(32) }).JWT_SECRET,
      ).toHaveLength(32);
    });
  });
});
