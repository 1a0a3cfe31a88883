import { query } from './support/databases';
import { createAccount, expectProblem, PASSWORD } from './support/auth';
import { Inject, startTestApp, TestApp } from './support/test-app';

/** API keys: shown once, stored hashed, scoped, listed and revoked by their owner only. */
describe('API keys', () => {
  let testApp: TestApp;
  let asAnn: Inject;
  let asBob: Inject;
  let asViewer: Inject;
  let annId: string;

  const withKey =
    (key: string): Inject =>
    (request) =>
      testApp.app.inject({ ...request, headers: { 'x-api-key': key, ...request.headers } });

  async function createKey(inject: Inject, payload: object) {
    const response = await inject({ method: 'POST', url: '/v1/me/api-keys', payload });
    expect(response.statusCode).toBe(201);
    return response.json<{
      id: string;
      key: string;
      prefix: string;
      scopes: string[];
      plan: string;
    }>();
  }

  beforeAll(async () => {
    // Cache lookups for a minute: revocation must still take effect at once on this replica.
    testApp = await startTestApp({ API_KEY_CACHE_SECONDS: '60' });
    annId = await createAccount(testApp, 'ann@example.org', 'user');
    await createAccount(testApp, 'bob@example.org', 'user');
    await createAccount(testApp, 'vera@example.org', 'viewer');
    asAnn = testApp.withToken((await testApp.login('ann@example.org', PASSWORD)).accessToken);
    asBob = testApp.withToken((await testApp.login('bob@example.org', PASSWORD)).accessToken);
    asViewer = testApp.withToken((await testApp.login('vera@example.org', PASSWORD)).accessToken);
  });
  afterAll(() => testApp?.close());

  it('creates a key shown once, stores only its hash, and lists it without the secret', async () => {
    const created = await createKey(asAnn, { name: 'laptop', scopes: ['read', 'predict'] });
    expect(created.key).toMatch(/^oxk_[\w-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created).toMatchObject({ scopes: ['read', 'predict'], plan: 'free' });

    const rows = await query<{ key_hash: string; prefix: string }>(
      testApp.databaseUrl,
      'select key_hash, prefix from api_keys where id = $1',
      [created.id],
    );
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(created.key);

    const list = await asAnn({ method: 'GET', url: '/v1/me/api-keys' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ id: created.id, name: 'laptop' })]);
    expect(list.body).not.toContain(created.key);
    expect(list.json()[0]).not.toHaveProperty('key');
  });

  it('authenticates with X-API-Key on routes open to its scope, and records its last use', async () => {
    const { id, key } = await createKey(asAnn, { name: 'reader', scopes: ['read'] });
    const matches = await withKey(key)({ method: 'GET', url: '/v1/matches' });
    expect(matches.statusCode).toBe(200);
    const profile = await withKey(key)({ method: 'GET', url: '/v1/me' });
    expect(profile.json()).toMatchObject({ id: annId, role: 'user' });

    // Written off the request path, batched.
    const deadline = Date.now() + 5000;
    let lastUsed: Date | null = null;
    while (!lastUsed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      [{ last_used_at: lastUsed }] = await query<{ last_used_at: Date | null }>(
        testApp.databaseUrl,
        'select last_used_at from api_keys where id = $1',
        [id],
      );
    }
    expect(lastUsed).not.toBeNull();
    const listed = (await asAnn({ method: 'GET', url: '/v1/me/api-keys' })).json();
    expect(listed.find((k: { id: string }) => k.id === id).lastUsedAt).toEqual(
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    );
  });

  it('refuses what the scope does not cover, and session-only routes', async () => {
    const { key } = await createKey(asAnn, { name: 'narrow', scopes: ['read'] });
    // Key management and account changes need a signed-in session, whatever the scopes.
    const body = expectProblem(await withKey(key)({ method: 'GET', url: '/v1/me/api-keys' }), 403);
    expect(body.detail).toMatch(/API keys cannot call this route/);
    expectProblem(
      await withKey(key)({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: 'escalate', scopes: ['predict'] },
      }),
      403,
    );
    expectProblem(await withKey(key)({ method: 'GET', url: '/v1/users' }), 403);
  });

  it('refuses a key name of nothing but spaces, and stores names trimmed', async () => {
    const blank = expectProblem(
      await asAnn({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: '   ', scopes: ['read'] },
      }),
      400,
    );
    expect(blank.errors?.[0]).toMatchObject({ field: 'name' });
    const created = await asAnn({
      method: 'POST',
      url: '/v1/me/api-keys',
      payload: { name: '  reports  ', scopes: ['read'] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().name).toBe('reports');
  });

  it('never grants scopes beyond the owner’s role', async () => {
    const admin = expectProblem(
      await asAnn({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: 'x', scopes: ['admin'] },
      }),
      400,
    );
    expect(admin.errors?.[0]).toMatchObject({ field: 'scopes' });
    // Viewers manage no keys at all (user routes).
    expectProblem(
      await asViewer({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: 'x', scopes: ['read'] },
      }),
      403,
    );
  });

  it('refuses keys to a still-valid token of an erased, disabled or demoted account (4xx, not 500)', async () => {
    const create = (inject: Inject, scopes: string[]) =>
      inject({ method: 'POST', url: '/v1/me/api-keys', payload: { name: 'stale', scopes } });
    const signIn = async (email: string) =>
      testApp.withToken((await testApp.login(email, PASSWORD)).accessToken);
    const patch = async (id: string, payload: object) =>
      expect(
        (await testApp.asAdmin({ method: 'PATCH', url: `/v1/users/${id}`, payload })).statusCode,
      ).toBe(200);

    const erasedId = await createAccount(testApp, 'erased@example.org', 'user');
    const asErased = await signIn('erased@example.org');
    expect(
      (await testApp.asAdmin({ method: 'DELETE', url: `/v1/users/${erasedId}` })).statusCode,
    ).toBe(204);
    expectProblem(await create(asErased, ['read']), 401);

    const disabledId = await createAccount(testApp, 'disabled@example.org', 'user');
    const asDisabled = await signIn('disabled@example.org');
    await patch(disabledId, { disabled: true });
    expectProblem(await create(asDisabled, ['read']), 401);

    // A demoted admin's token still says admin for its lifetime: the current role decides.
    const demotedId = await createAccount(testApp, 'demoted@example.org', 'admin');
    const asDemoted = await signIn('demoted@example.org');
    await patch(demotedId, { role: 'user' });
    const refused = expectProblem(await create(asDemoted, ['admin']), 400);
    expect(refused.errors?.[0]).toMatchObject({ field: 'scopes' });
    const keys = await query<{ n: number }>(
      testApp.databaseUrl,
      `select count(*)::int as n from api_keys where name = 'stale'`,
    );
    expect(keys[0].n).toBe(0);
  });

  it.each([
    [{ scopes: ['read'] }, 'name'],
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['write'] }, 'scopes'],
    [{ name: 'x', scopes: ['read'], expiresInDays: 0 }, 'expiresInDays'],
    [{ name: 'x', scopes: ['read'], owner: 'someone' }, 'owner'],
  ])('refuses the body %j naming %s', async (payload, field) => {
    const body = expectProblem(
      await asAnn({ method: 'POST', url: '/v1/me/api-keys', payload }),
      400,
    );
    expect(body.errors?.map((e) => e.field)).toContain(field);
  });

  it('lets nobody else list or revoke a user’s keys', async () => {
    const { id, key } = await createKey(asAnn, { name: 'private', scopes: ['read'] });
    const bobsList = (await asBob({ method: 'GET', url: '/v1/me/api-keys' })).json();
    expect(bobsList.map((k: { id: string }) => k.id)).not.toContain(id);
    // Another user's key id answers exactly like an id that does not exist.
    const foreign = expectProblem(
      await asBob({ method: 'DELETE', url: `/v1/me/api-keys/${id}` }),
      404,
    );
    const missing = expectProblem(
      await asBob({
        method: 'DELETE',
        url: '/v1/me/api-keys/00000000-0000-4000-8000-000000000009',
      }),
      404,
    );
    expect(foreign.title).toBe(missing.title);
    expect((await withKey(key)({ method: 'GET', url: '/v1/matches' })).statusCode).toBe(200);
  });

  it('revokes at once, despite the cache, and audits creation and revocation', async () => {
    const { id, key } = await createKey(asAnn, { name: 'to revoke', scopes: ['read'] });
    expect((await withKey(key)({ method: 'GET', url: '/v1/matches' })).statusCode).toBe(200);
    expect((await asAnn({ method: 'DELETE', url: `/v1/me/api-keys/${id}` })).statusCode).toBe(204);
    expectProblem(await withKey(key)({ method: 'GET', url: '/v1/matches' }), 401);
    expectProblem(await asAnn({ method: 'DELETE', url: `/v1/me/api-keys/${id}` }), 404);
    const entries = await query<{ action: string; actor_id: string }>(
      testApp.databaseUrl,
      `select action, actor_id from audit_log where target->>'apiKeyId' = $1 order by id`,
      [id],
    );
    expect(entries).toEqual([
      { action: 'apikey.create', actor_id: annId },
      { action: 'apikey.revoke', actor_id: annId },
    ]);
  });

  it('stops an expiring key when it expires, although its lookup is cached longer', async () => {
    const { id, key } = await createKey(asAnn, { name: 'expiring', scopes: ['read'] });
    await query(
      testApp.databaseUrl,
      `update api_keys set expires_at = now() + interval '1500 milliseconds' where id = $1`,
      [id],
    );
    // Looked up (and cached, for API_KEY_CACHE_SECONDS = 60) while it is still live.
    expect((await withKey(key)({ method: 'GET', url: '/v1/matches' })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expectProblem(await withKey(key)({ method: 'GET', url: '/v1/matches' }), 401);
  });

  it('stops the keys of a disabled account at once, and refuses unknown or malformed keys', async () => {
    const id = await createAccount(testApp, 'dana@example.org', 'user');
    const asDana = testApp.withToken(
      (await testApp.login('dana@example.org', PASSWORD)).accessToken,
    );
    const { key } = await createKey(asDana, { name: 'dana', scopes: ['read'] });
    expect((await withKey(key)({ method: 'GET', url: '/v1/matches' })).statusCode).toBe(200);
    const disabled = await testApp.asAdmin({
      method: 'PATCH',
      url: `/v1/users/${id}`,
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expectProblem(await withKey(key)({ method: 'GET', url: '/v1/matches' }), 401);
    expectProblem(
      await withKey(`oxk_${'A'.repeat(43)}`)({ method: 'GET', url: '/v1/matches' }),
      401,
    );
    expectProblem(await withKey('nonsense')({ method: 'GET', url: '/v1/matches' }), 401);
  });

  it('lets admins see a user’s keys and move a key to another plan', async () => {
    const { id, key } = await createKey(asAnn, { name: 'plan', scopes: ['read'] });
    const keys = await testApp.asAdmin({ method: 'GET', url: `/v1/users/${annId}/api-keys` });
    expect(keys.json().map((k: { id: string }) => k.id)).toContain(id);
    const moved = await testApp.asAdmin({
      method: 'PATCH',
      url: `/v1/users/${annId}/api-keys/${id}`,
      payload: { plan: 'pro' },
      headers: { 'x-request-id': 'set-plan-audit' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().plan).toBe('pro');
    // The audit entry says which plan the key was given, not only that it changed.
    const [entry] = await query<{ target: object; details: object }>(
      testApp.databaseUrl,
      'select target, details from audit_log where request_id = $1',
      ['set-plan-audit'],
    );
    expect(entry).toMatchObject({
      target: { id: annId, keyId: id },
      details: { status: 200, body: { plan: 'pro' } },
    });
    const response = await withKey(key)({ method: 'GET', url: '/v1/matches' });
    expect(response.headers['x-ratelimit-limit']).toBe('6000');
    expectProblem(
      await testApp.asAdmin({
        method: 'PATCH',
        url: `/v1/users/${annId}/api-keys/${id}`,
        payload: { plan: 'platinum' },
      }),
      400,
    );
  });
});
