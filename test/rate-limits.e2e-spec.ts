import { query } from './support/databases';
import { expectProblem, PASSWORD } from './support/auth';
import { InjectResponse, startTestApp, TestApp } from './support/test-app';

/**
 * Rate limits (whatever storage the app uses: Redis with REDIS_URL, else memory), client
 * addresses behind trusted proxies, per-address sign-in lockout, CORS and open registration.
 * The app trusts 127.0.0.1 (the injected requests' peer) as its proxy, so X-Forwarded-For
 * picks the client address of each request.
 */
describe('rate limits, proxies, CORS and open registration', () => {
  let testApp: TestApp;

  const from = (ip: string, headers: Record<string, string> = {}) => ({
    'x-forwarded-for': ip,
    ...headers,
  });
  const get = (url: string, headers: Record<string, string>) =>
    testApp.app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: object, headers: Record<string, string>) =>
    testApp.app.inject({ method: 'POST', url, payload, headers });

  /** Sends `count` requests and returns the responses. */
  async function burst(count: number, send: (i: number) => Promise<InjectResponse>) {
    const responses: InjectResponse[] = [];
    for (let i = 0; i < count; i++) responses.push(await send(i));
    return responses;
  }

  async function register(email: string, ip: string): Promise<string> {
    const response = await post('/v1/auth/register', { email, password: PASSWORD }, from(ip));
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  async function login(email: string, ip: string): Promise<string> {
    const response = await post('/v1/auth/login', { email, password: PASSWORD }, from(ip));
    expect(response.statusCode).toBe(200);
    return response.json().accessToken;
  }

  beforeAll(async () => {
    testApp = await startTestApp({
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      REGISTRATION: 'open',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      RATE_LIMIT_ANONYMOUS: '5',
      RATE_LIMIT_USER: '8',
      RATE_LIMIT_AUTH: '4',
      API_KEY_PLANS: 'free:3,pro:10',
      LOGIN_MAX_FAILURES_PER_IP: '3',
      TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8',
      CORS_ORIGINS: 'https://app.example.org',
    });
  });
  afterAll(() => testApp?.close());

  it('limits anonymous callers per client address, with the headers and a 429 problem', async () => {
    const responses = await burst(6, () => get('/v1/ledger/verify', from('203.0.113.1')));
    expect(responses.slice(0, 5).map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.slice(0, 5).map((r) => r.headers['x-ratelimit-remaining'])).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
    ]);
    expect(responses[0].headers['x-ratelimit-limit']).toBe('5');
    expect(Number(responses[0].headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(responses[0].headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60);

    const refused = responses[5];
    const problem = expectProblem(refused, 429);
    expect(problem.type).toMatch(/rate-limited$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
    });

    // Another client address has its own budget.
    expect((await get('/v1/ledger/verify', from('203.0.113.2'))).statusCode).toBe(200);
  });

  it('never limits health probes (a 429 to a liveness probe restarts the pod)', async () => {
    const probes = await burst(12, (i) =>
      get(i % 2 ? '/health/ready' : '/health/live', from('203.0.113.3')),
    );
    expect(probes.map((r) => r.statusCode)).toEqual(new Array(12).fill(200));
    expect(probes[0].headers['x-ratelimit-limit']).toBeUndefined();
    // They do not draw on the address's budget either.
    expect((await get('/v1/ledger/verify', from('203.0.113.3'))).headers).toMatchObject({
      'x-ratelimit-remaining': '4',
    });
  });

  it('believes X-Forwarded-For only as far as the trusted proxies reach', async () => {
    // 10.1.1.1 is a trusted proxy, 192.0.2.50 is not: it is the client, whatever it claims.
    const spoofed = await burst(6, (i) =>
      get('/v1/ledger/verify', from(`198.18.0.${i}, 192.0.2.50, 10.1.1.1`)),
    );
    expect(spoofed.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('limits signed-in users per account, whatever their address', async () => {
    await register('ruth@example.org', '203.0.113.20');
    const token = await login('ruth@example.org', '203.0.113.20');
    const responses = await burst(9, (i) =>
      get('/v1/me', from(`203.0.113.${30 + i}`, { authorization: `Bearer ${token}` })),
    );
    expect(responses[0].headers['x-ratelimit-limit']).toBe('8');
    expect(responses.map((r) => r.statusCode)).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 429,
    ]);
  });

  it('limits sign-in attempts per address more tightly (the auth budget)', async () => {
    const responses = await burst(5, (i) =>
      post(
        '/v1/auth/login',
        { email: `who${i}@example.org`, password: 'wrong-but-long' },
        from('198.51.100.7'),
      ),
    );
    expect(responses[0].headers['x-ratelimit-limit-auth']).toBe('4');
    // The per-address lockout (3 failures) answers the 4th attempt, the auth budget the 5th.
    expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 401, 429, 429]);
    expect(expectProblem(responses[3], 429).type).toMatch(/too-many-attempts$/);
    expect(expectProblem(responses[4], 429).type).toMatch(/rate-limited$/);
    expect(Number(responses[4].headers['retry-after'])).toBeGreaterThan(0);
  });

  it('locks an address after too many failed sign-ins, across account names', async () => {
    await register('carl@example.org', '203.0.113.60');
    const ip = '198.51.100.8';
    const failures = await burst(3, (i) =>
      post(
        '/v1/auth/login',
        { email: `nobody${i}@example.org`, password: 'wrong-but-long' },
        from(ip),
      ),
    );
    expect(failures.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    // Even a real account with its right password is refused from that address now ...
    const locked = await post(
      '/v1/auth/login',
      { email: 'carl@example.org', password: PASSWORD },
      from(ip),
    );
    expect(expectProblem(locked, 429).type).toMatch(/too-many-attempts$/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // ... but not from another one.
    expect(
      (
        await post(
          '/v1/auth/login',
          { email: 'carl@example.org', password: PASSWORD },
          from('198.51.100.9'),
        )
      ).statusCode,
    ).toBe(200);
    const [lockout] = await query<{ ip: string; details: { by: string[] } }>(
      testApp.databaseUrl,
      `select ip, details from audit_log where action = 'auth.lockout' and ip = $1`,
      [ip],
    );
    expect(lockout).toEqual({ ip, details: expect.objectContaining({ by: ['ip'] }) });
  });

  it('limits API keys by their plan', async () => {
    await register('kim@example.org', '203.0.113.70');
    // Open registration makes viewers; keys need a user: promote through the database.
    await query(
      testApp.databaseUrl,
      `update users set role = 'user' where email = 'kim@example.org'`,
    );
    const token = await login('kim@example.org', '203.0.113.70');
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/v1/me/api-keys',
      payload: { name: 'bot', scopes: ['read'] },
      headers: from('203.0.113.71', { authorization: `Bearer ${token}` }),
    });
    expect(created.statusCode).toBe(201);
    const key = created.json().key;
    const responses = await burst(4, (i) =>
      get('/v1/matches', from(`203.0.113.${80 + i}`, { 'x-api-key': key })),
    );
    expect(responses[0].headers['x-ratelimit-limit']).toBe('3');
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
  });

  describe('open registration (REGISTRATION=open)', () => {
    it('registers a viewer without an invitation, once per address', async () => {
      const response = await post(
        '/v1/auth/register',
        { email: 'open@example.org', password: PASSWORD },
        from('203.0.113.90'),
      );
      expect(response.statusCode).toBe(201);
      expect(response.json().role).toBe('viewer');
      expectProblem(
        await post(
          '/v1/auth/register',
          { email: 'OPEN@example.org', password: PASSWORD },
          from('203.0.113.91'),
        ),
        409,
      );
    });
  });

  describe('CORS (CORS_ORIGINS)', () => {
    it('answers preflights from allowed origins, exposing the rate limit and paging headers', async () => {
      const preflight = await testApp.app.inject({
        method: 'OPTIONS',
        url: '/v1/matches',
        headers: from('203.0.113.100', {
          origin: 'https://app.example.org',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        }),
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.org');
      const allowed = String(preflight.headers['access-control-allow-headers']).split(/, */);
      for (const name of ['authorization', 'if-none-match', 'cache-control'])
        expect(allowed).toContain(name);

      const response = await get(
        '/health/live',
        from('203.0.113.101', { origin: 'https://app.example.org' }),
      );
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.org');
      const exposed = String(response.headers['access-control-expose-headers']).split(/, */);
      for (const name of ['x-ratelimit-remaining', 'etag', 'x-cache', 'x-model-variant'])
        expect(exposed).toContain(name);
    });

    it('gives other origins no CORS headers', async () => {
      const response = await get(
        '/health/live',
        from('203.0.113.102', { origin: 'https://evil.example.com' }),
      );
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await testApp.app.inject({
        method: 'OPTIONS',
        url: '/v1/matches',
        headers: from('203.0.113.103', {
          origin: 'https://evil.example.com',
          'access-control-request-method': 'DELETE',
        }),
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
