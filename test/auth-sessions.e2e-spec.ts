import { SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import { query } from './support/databases';
import { createAccount, expectProblem, PASSWORD } from './support/auth';
import { startTestApp, TestApp, TEST_ADMIN } from './support/test-app';

/** Registration, sign-in, tokens and their rotation, sessions, and attacks on access tokens. */

const CURRENT = { kid: 'k2', secret: 'test-current-signing-secret-0123456789' };
const RETIRED_RECENTLY = { kid: 'k1', secret: 'test-retired-signing-secret-0123456789' };
const RETIRED_LONG_AGO = { kid: 'k0', secret: 'test-old-retired-signing-secret-012345' };
const TTL_SECONDS = 600;
const retiredRecentlyAt = new Date(Date.now() - 60_000);
const retiredLongAgoAt = new Date(Date.now() - 2 * TTL_SECONDS * 1000);

const encoder = new TextEncoder();

/** A token as our server would sign it, with any claim or header overridden. */
async function mint(
  options: {
    key?: { kid: string; secret: string };
    header?: Record<string, unknown>;
    claims?: Record<string, unknown>;
    sub?: string;
    issuer?: string;
    audience?: string;
    issuedAt?: number;
    expiresAt?: number;
  } = {},
): Promise<string> {
  const key = options.key ?? CURRENT;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'admin', ...options.claims })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt', ...options.header })
    .setSubject(options.sub ?? '00000000-0000-4000-8000-000000000001')
    .setIssuer(options.issuer ?? 'oracxpred')
    .setAudience(options.audience ?? 'oracxpred-api')
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 300)
    .sign(encoder.encode(key.secret));
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of a JWT, unchecked. */
const claimsOf = (token: string): Record<string, unknown> & { iat: number } =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

describe('identity: registration, sign-in, tokens, sessions', () => {
  let testApp: TestApp;
  let adminId: string;

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    testApp.app.inject({ method: 'POST', url, payload, headers });
  const me = (token: string) => testApp.withToken(token)({ method: 'GET', url: '/v1/me' });

  beforeAll(async () => {
    testApp = await startTestApp({
      JWT_SECRET: CURRENT.secret,
      JWT_KEY_ID: CURRENT.kid,
      JWT_PREVIOUS_KEYS: JSON.stringify([
        { ...RETIRED_RECENTLY, retiredAt: retiredRecentlyAt.toISOString() },
        { ...RETIRED_LONG_AGO, retiredAt: retiredLongAgoAt.toISOString() },
      ]),
      JWT_ACCESS_TTL_SECONDS: String(TTL_SECONDS),
      LOGIN_MAX_FAILURES: '5',
      LOGIN_LOCK_SECONDS: '60',
    });
    const [admin] = await query<{ id: string }>(
      testApp.databaseUrl,
      `select id from users where email = $1`,
      [TEST_ADMIN.email],
    );
    adminId = admin.id;
  });
  afterAll(() => testApp?.close());

  describe('the first admin', () => {
    it('was created from ADMIN_EMAIL/ADMIN_PASSWORD, hashed with argon2id, and audited', async () => {
      const [row] = await query<{ role: string; password_hash: string }>(
        testApp.databaseUrl,
        'select role, password_hash from users where id = $1',
        [adminId],
      );
      expect(row.role).toBe('admin');
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(row.password_hash).not.toContain(TEST_ADMIN.password);
      const audit = await query<{ actor_type: string; target: object }>(
        testApp.databaseUrl,
        `select actor_type, target from audit_log where action = 'user.create_admin'`,
      );
      expect(audit).toEqual([{ actor_type: 'system', target: { userId: adminId } }]);
    });
  });

  describe('registration (REGISTRATION=invitation, the default)', () => {
    it('refuses to register without an invitation', async () => {
      const body = expectProblem(
        await post('/v1/auth/register', { email: 'walk-in@example.org', password: PASSWORD }),
        403,
      );
      expect(body.detail).toMatch(/invitation/);
    });

    it.each([[true], ['3'], [0], [91], [2.5]])(
      'refuses an invitation lasting %j days (400 naming expiresInDays)',
      async (expiresInDays) => {
        const body = expectProblem(
          await testApp.asAdmin({
            method: 'POST',
            url: '/v1/invitations',
            payload: { email: 'later@example.org', role: 'user', expiresInDays },
          }),
          400,
        );
        expect(body.errors?.map((e) => e.field)).toContain('expiresInDays');
      },
    );

    it('registers with an invitation, with its role, once', async () => {
      const invitation = await testApp.asAdmin({
        method: 'POST',
        url: '/v1/invitations',
        payload: { email: 'Invited@Example.org', role: 'user' },
      });
      expect(invitation.statusCode).toBe(201);
      const { token } = invitation.json();
      expect(token).toMatch(/^oxi_/);
      expectProblem(
        await post('/v1/auth/register', {
          email: 'someone-else@example.org',
          password: PASSWORD,
          invitation: token,
        }),
        400,
      );
      const registered = await post('/v1/auth/register', {
        email: ' invited@example.ORG ',
        password: PASSWORD,
        invitation: token,
      });
      expect(registered.statusCode).toBe(201);
      expect(registered.json()).toMatchObject({ email: 'invited@example.org', role: 'user' });
      expect(registered.json()).not.toHaveProperty('passwordHash');
      const again = expectProblem(
        await post('/v1/auth/register', {
          email: 'invited@example.org',
          password: PASSWORD,
          invitation: token,
        }),
        400,
      );
      expect(again.errors?.[0].field).toBe('invitation');
      // The address has an account now: inviting it again is a conflict, not a dead token.
      const reinvited = expectProblem(
        await testApp.asAdmin({
          method: 'POST',
          url: '/v1/invitations',
          payload: { email: 'INVITED@example.org', role: 'admin' },
        }),
        409,
      );
      expect(reinvited.errors).toEqual([{ field: 'email', reason: 'already has an account' }]);
      const [stored] = await query<{ token_hash: string }>(
        testApp.databaseUrl,
        'select token_hash from invitations',
      );
      expect(stored.token_hash).not.toContain(token);
    });

    it('treats the composed and decomposed spellings of an address as one (Unicode NFC)', async () => {
      const composed = 'zo\u00e9@example.org';
      const decomposed = 'Zoe\u0301@Example.org';
      const invitation = await testApp.asAdmin({
        method: 'POST',
        url: '/v1/invitations',
        payload: { email: decomposed, role: 'user' },
      });
      expect(invitation.statusCode).toBe(201);
      expect(invitation.json().email).toBe(composed);
      const registered = await post('/v1/auth/register', {
        email: ` ${composed.toUpperCase()} `,
        password: PASSWORD,
        invitation: invitation.json().token,
      });
      expect(registered.statusCode).toBe(201);
      expect(registered.json()).toMatchObject({ email: composed, role: 'user' });
      const login = await post('/v1/auth/login', { email: decomposed, password: PASSWORD });
      expect(login.statusCode).toBe(200);
      expectProblem(
        await testApp.asAdmin({
          method: 'POST',
          url: '/v1/invitations',
          payload: { email: composed, role: 'viewer' },
        }),
        409,
      );
      const found = await testApp.asAdmin({
        method: 'GET',
        url: `/v1/users?email=${encodeURIComponent(' Zoe\u0301@ ')}`,
      });
      expect(found.statusCode).toBe(200);
      expect(found.json().map((u: { email: string }) => u.email)).toEqual([composed]);
    });

    it.each([
      [{ password: 'short' }, 'password'],
      [{ password: 'Password1234' }, 'password'],
      [{ password: 'aaaaaaaaaaaaaaa' }, 'password'],
      [{ email: 'not-an-email' }, 'email'],
      [{ role: 'admin' }, 'role'],
    ])('refuses %j naming %s', async (change, field) => {
      const invitation = await testApp.asAdmin({
        method: 'POST',
        url: '/v1/invitations',
        payload: { email: 'policy@example.org', role: 'viewer' },
      });
      const body = expectProblem(
        await post('/v1/auth/register', {
          email: 'policy@example.org',
          password: PASSWORD,
          invitation: invitation.json().token,
          ...change,
        }),
        400,
      );
      expect(body.errors?.map((e) => e.field)).toContain(field);
    });
  });

  describe('sign-in and tokens', () => {
    let viewerId: string;

    beforeAll(async () => {
      viewerId = await createAccount(testApp, 'viewer@example.org', 'viewer');
    });

    it('signs in with a short-lived access token and an opaque refresh token', async () => {
      const response = await post('/v1/auth/login', {
        email: 'VIEWER@example.org',
        password: PASSWORD,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const pair = response.json();
      expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: TTL_SECONDS });
      expect(pair.refreshToken).toMatch(/^oxr_[\w-]{43}$/);
      const [header, payload] = pair.accessToken
        .split('.')
        .slice(0, 2)
        .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header).toEqual({ alg: 'HS256', kid: CURRENT.kid, typ: 'at+jwt' });
      expect(payload).toMatchObject({
        sub: viewerId,
        role: 'viewer',
        iss: 'oracxpred',
        aud: 'oracxpred-api',
      });
      expect(payload.exp - payload.iat).toBe(TTL_SECONDS);
      const profile = await me(pair.accessToken);
      expect(profile.statusCode).toBe(200);
      expect(profile.json()).toMatchObject({ id: viewerId, email: 'viewer@example.org' });
      // Only the refresh token's hash is stored.
      const stored = await query<{ token_hash: string }>(
        testApp.databaseUrl,
        'select token_hash from refresh_tokens where user_id = $1',
        [viewerId],
      );
      expect(stored.map((s) => s.token_hash)).not.toContain(pair.refreshToken);
    });

    it('answers a wrong password and an unknown account identically', async () => {
      const wrongPassword = expectProblem(
        await post('/v1/auth/login', { email: 'viewer@example.org', password: 'nope-nope-nope' }),
        401,
      );
      const unknown = expectProblem(
        await post('/v1/auth/login', { email: 'nobody@example.org', password: 'nope-nope-nope' }),
        401,
      );
      expect(unknown.detail).toBe(wrongPassword.detail);
      expect(unknown.type).toBe(wrongPassword.type);
    });

    it('rotates the refresh token on every use', async () => {
      const first = (await testApp.login('viewer@example.org', PASSWORD)).refreshToken;
      const second = await post('/v1/auth/refresh', { refreshToken: first });
      expect(second.statusCode).toBe(200);
      expect(second.json().refreshToken).not.toBe(first);
      expect((await me(second.json().accessToken)).statusCode).toBe(200);
      const third = await post('/v1/auth/refresh', { refreshToken: second.json().refreshToken });
      expect(third.statusCode).toBe(200);
    });

    it('revokes the whole session when a used refresh token comes back (theft detection)', async () => {
      const stolen = (await testApp.login('viewer@example.org', PASSWORD)).refreshToken;
      const legit = await post('/v1/auth/refresh', { refreshToken: stolen });
      expect(legit.statusCode).toBe(200);

      expectProblem(await post('/v1/auth/refresh', { refreshToken: stolen }), 401);
      // The legitimate holder's newer token died with the family.
      expectProblem(
        await post('/v1/auth/refresh', { refreshToken: legit.json().refreshToken }),
        401,
      );

      const [entry] = await query<{
        actor_id: string;
        outcome: string;
        target: { sessionId: string };
      }>(
        testApp.databaseUrl,
        `select actor_id, outcome, target from audit_log where action = 'auth.refresh_reuse'`,
      );
      expect(entry).toMatchObject({ actor_id: viewerId, outcome: 'denied' });
      const family = await query<{ revoked: number; total: number }>(
        testApp.databaseUrl,
        `select count(*) filter (where revoked_at is not null)::int as revoked, count(*)::int as total
           from refresh_tokens where family_id = $1`,
        [entry.target.sessionId],
      );
      expect(family).toEqual([{ revoked: 2, total: 2 }]);
    });

    it('refuses a refresh token of an ended session as revoked, not as a stolen copy', async () => {
      const email = 'ended@example.org';
      const id = await createAccount(testApp, email, 'user');
      const familyOf = async (refreshToken: string) =>
        (
          await query<{ family_id: string }>(
            testApp.databaseUrl,
            'select family_id from refresh_tokens where token_hash = $1',
            [createHash('sha256').update(refreshToken).digest('hex')],
          )
        )[0].family_id;
      const refresh = (refreshToken: string) => post('/v1/auth/refresh', { refreshToken });

      // Ended by its logout, or by signing out everywhere (like a password change): never rotated.
      const loggedOut = await testApp.login(email, PASSWORD);
      expect(
        (await post('/v1/auth/logout', { refreshToken: loggedOut.refreshToken })).statusCode,
      ).toBe(204);
      const signedOut = await testApp.login(email, PASSWORD);
      const everywhere = await testApp.withToken(signedOut.accessToken)({
        method: 'DELETE',
        url: '/v1/me/sessions',
      });
      expect(everywhere.statusCode).toBe(204);
      // A rotated token that comes back is a copy, even once its session has ended.
      const rotated = await testApp.login(email, PASSWORD);
      const next = await refresh(rotated.refreshToken);
      expect(next.statusCode).toBe(200);
      expect(
        (await post('/v1/auth/logout', { refreshToken: next.json().refreshToken })).statusCode,
      ).toBe(204);

      const revokedCount = () =>
        query<{ n: number }>(
          testApp.databaseUrl,
          'select count(*)::int as n from refresh_tokens where user_id = $1 and revoked_at is not null',
          [id],
        );
      const revokedBefore = await revokedCount();
      const refused = [
        expectProblem(await refresh(loggedOut.refreshToken), 401),
        expectProblem(await refresh(signedOut.refreshToken), 401),
      ];
      const reused = expectProblem(await refresh(rotated.refreshToken), 401);
      // The same answer either way: the caller learns nothing about why.
      for (const body of refused) {
        expect([body.type, body.title, body.detail]).toEqual([
          reused.type,
          reused.title,
          reused.detail,
        ]);
      }
      expect(await revokedCount()).toEqual(revokedBefore);

      const entries = await query<{ action: string; outcome: string; target: object }>(
        testApp.databaseUrl,
        `select action, outcome, target from audit_log
          where actor_id = $1 and action like 'auth.refresh%' order by id`,
        [id],
      );
      expect(entries).toEqual([
        {
          action: 'auth.refresh_revoked',
          outcome: 'denied',
          target: { sessionId: await familyOf(loggedOut.refreshToken) },
        },
        {
          action: 'auth.refresh_revoked',
          outcome: 'denied',
          target: { sessionId: await familyOf(signedOut.refreshToken) },
        },
        {
          action: 'auth.refresh_reuse',
          outcome: 'denied',
          target: { sessionId: await familyOf(rotated.refreshToken) },
        },
      ]);
    });

    it('refuses a refresh token that is garbage or unknown', async () => {
      expectProblem(await post('/v1/auth/refresh', { refreshToken: 'garbage' }), 401);
      expectProblem(await post('/v1/auth/refresh', { refreshToken: `oxr_${'A'.repeat(43)}` }), 401);
      expectProblem(await post('/v1/auth/refresh', {}), 400);
    });

    it('logs out: the session ends and logging out again is harmless', async () => {
      const pair = await testApp.login('viewer@example.org', PASSWORD);
      const logout = await post('/v1/auth/logout', { refreshToken: pair.refreshToken });
      expect(logout.statusCode).toBe(204);
      expectProblem(await post('/v1/auth/refresh', { refreshToken: pair.refreshToken }), 401);
      expect((await post('/v1/auth/logout', { refreshToken: pair.refreshToken })).statusCode).toBe(
        204,
      );
    });

    it('lists and revokes own sessions, never another account’s', async () => {
      const pair = await testApp.login('viewer@example.org', PASSWORD);
      const asViewer = testApp.withToken(pair.accessToken);
      const sessions = await asViewer({ method: 'GET', url: '/v1/me/sessions' });
      expect(sessions.statusCode).toBe(200);
      expect(sessions.json().length).toBeGreaterThanOrEqual(1);
      const adminSessions = await testApp.asAdmin({ method: 'GET', url: '/v1/me/sessions' });
      const adminSession = adminSessions.json()[0].id;
      expectProblem(
        await asViewer({ method: 'DELETE', url: `/v1/me/sessions/${adminSession}` }),
        404,
      );
      const adminRefresh = await query<{ n: number }>(
        testApp.databaseUrl,
        `select count(*)::int as n from refresh_tokens where family_id = $1 and revoked_at is null`,
        [adminSession],
      );
      expect(adminRefresh[0].n).toBe(1);

      const own = sessions.json()[0].id;
      expect((await asViewer({ method: 'DELETE', url: `/v1/me/sessions/${own}` })).statusCode).toBe(
        204,
      );
    });

    it('refuses a password change to a disabled account still holding an access token', async () => {
      const email = 'suspended@example.org';
      const id = await createAccount(testApp, email, 'user');
      const asUser = testApp.withToken((await testApp.login(email, PASSWORD)).accessToken);
      const disabled = await testApp.asAdmin({
        method: 'PATCH',
        url: `/v1/users/${id}`,
        payload: { disabled: true },
      });
      expect(disabled.statusCode).toBe(200);
      expectProblem(
        await asUser({
          method: 'PUT',
          url: '/v1/me/password',
          payload: { currentPassword: PASSWORD, newPassword: 'violet-harbour-lamp-19' },
        }),
        401,
      );
      // Re-enabled, the account still opens with the password its owner knows.
      await testApp.asAdmin({
        method: 'PATCH',
        url: `/v1/users/${id}`,
        payload: { disabled: false },
      });
      expect((await post('/v1/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
    });

    it('changes the password: old sessions end, the new password works', async () => {
      const email = 'changer@example.org';
      await createAccount(testApp, email, 'user');
      const pair = await testApp.login(email, PASSWORD);
      const asUser = testApp.withToken(pair.accessToken);
      const wrong = expectProblem(
        await asUser({
          method: 'PUT',
          url: '/v1/me/password',
          payload: { currentPassword: 'not-it-at-all', newPassword: 'violet-harbour-lamp-19' },
        }),
        400,
      );
      expect(wrong.errors?.[0].field).toBe('currentPassword');
      expectProblem(
        await asUser({
          method: 'PUT',
          url: '/v1/me/password',
          payload: { currentPassword: PASSWORD, newPassword: 'short' },
        }),
        400,
      );
      const changed = await asUser({
        method: 'PUT',
        url: '/v1/me/password',
        payload: { currentPassword: PASSWORD, newPassword: 'violet-harbour-lamp-19' },
      });
      expect(changed.statusCode).toBe(204);
      expectProblem(await post('/v1/auth/refresh', { refreshToken: pair.refreshToken }), 401);
      expectProblem(await post('/v1/auth/login', { email, password: PASSWORD }), 401);
      expect((await testApp.login(email, 'violet-harbour-lamp-19')).accessToken).toBeTruthy();
    });
    it('counts wrong current passwords like failed sign-ins: a stolen token cannot guess on', async () => {
      const email = 'guessed@example.org';
      await createAccount(testApp, email, 'user');
      const asUser = testApp.withToken((await testApp.login(email, PASSWORD)).accessToken);
      const change = (currentPassword: string) =>
        asUser({
          method: 'PUT',
          url: '/v1/me/password',
          payload: { currentPassword, newPassword: 'violet-harbour-lamp-19' },
        });
      // Two free failures, a third (it starts the back-off), then the fourth must wait.
      for (const guess of ['guess-one-1234', 'guess-two-1234', 'guess-three-123']) {
        expect(expectProblem(await change(guess), 400).errors?.[0].field).toBe('currentPassword');
      }
      const slowed = await change(PASSWORD);
      expectProblem(slowed, 429);
      expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // The same counter as sign-in: the account name is slowed there too.
      expectProblem(await post('/v1/auth/login', { email, password: PASSWORD }), 429);
      expectProblem(
        await asUser({ method: 'DELETE', url: '/v1/me', payload: { password: PASSWORD } }),
        429,
      );
    });
  });

  describe('attacks on access tokens', () => {
    let viewerToken: string;

    beforeAll(async () => {
      await createAccount(testApp, 'target@example.org', 'viewer');
      viewerToken = (await testApp.login('target@example.org', PASSWORD)).accessToken;
    });

    const adminCall = (token: string) =>
      testApp.withToken(token)({ method: 'GET', url: '/v1/users' });

    it('accepts a well-formed admin token (control for the cases below)', async () => {
      expect((await adminCall(await mint({ sub: adminId }))).statusCode).toBe(200);
    });

    it('refuses alg "none"', async () => {
      const header = b64({ alg: 'none', kid: CURRENT.kid, typ: 'at+jwt' });
      const genuine = (await mint({ sub: adminId })).split('.')[1];
      expectProblem(await adminCall(`${header}.${genuine}.`), 401);
      expectProblem(await adminCall(`${header}.${genuine}.x`), 401);
    });

    it('refuses another algorithm than HS256 (RS256 header, HS512)', async () => {
      const payload = (await mint({ sub: adminId })).split('.')[1];
      const rs256 = `${b64({ alg: 'RS256', kid: CURRENT.kid, typ: 'at+jwt' })}.${payload}.AAAA`;
      expectProblem(await adminCall(rs256), 401);
      const hs512 = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS512', kid: CURRENT.kid, typ: 'at+jwt' })
        .setSubject(adminId)
        .setIssuer('oracxpred')
        .setAudience('oracxpred-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(encoder.encode(CURRENT.secret.repeat(2)));
      expectProblem(await adminCall(hs512), 401);
    });

    it('refuses a wrong signature', async () => {
      expectProblem(
        await adminCall(
          await mint({ sub: adminId, key: { kid: CURRENT.kid, secret: 'x'.repeat(40) } }),
        ),
        401,
      );
    });

    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const body = expectProblem(
        await adminCall(await mint({ sub: adminId, issuedAt: now - 700, expiresAt: now - 100 })),
        401,
      );
      expect(body.detail).toMatch(/invalid or expired/);
    });

    it('refuses a wrong audience, a wrong issuer, a missing type and an unknown kid', async () => {
      expectProblem(await adminCall(await mint({ sub: adminId, audience: 'another-api' })), 401);
      expectProblem(await adminCall(await mint({ sub: adminId, issuer: 'evil' })), 401);
      expectProblem(await adminCall(await mint({ sub: adminId, header: { typ: 'JWT' } })), 401);
      expectProblem(
        await adminCall(await mint({ sub: adminId, key: { kid: 'k9', secret: CURRENT.secret } })),
        401,
      );
    });

    it('accepts a token from a recently rotated-out key, issued before its retirement', async () => {
      const issuedAt = Math.floor(retiredRecentlyAt.getTime() / 1000) - 30;
      const token = await mint({
        sub: adminId,
        key: RETIRED_RECENTLY,
        issuedAt,
        expiresAt: issuedAt + TTL_SECONDS,
      });
      expect((await adminCall(token)).statusCode).toBe(200);
    });

    it('refuses a token signed with a rotated-out key after its retirement or its grace period', async () => {
      // Signed with the retired key after it was retired: whoever holds it now is not us.
      expectProblem(await adminCall(await mint({ sub: adminId, key: RETIRED_RECENTLY })), 401);
      // The long-retired key's grace (one access token lifetime) is over, even for a token
      // that claims an early issue time and a far expiry.
      const issuedAt = Math.floor(retiredLongAgoAt.getTime() / 1000) - 30;
      expectProblem(
        await adminCall(
          await mint({
            sub: adminId,
            key: RETIRED_LONG_AGO,
            issuedAt,
            expiresAt: Math.floor(Date.now() / 1000) + 300,
          }),
        ),
        401,
      );
    });

    it('refuses a viewer token whose role was edited to admin', async () => {
      const [header, payload, signature] = viewerToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      expect(claims.role).toBe('viewer');
      const forged = `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
      expectProblem(await adminCall(forged), 401);
      expectProblem(await adminCall(viewerToken), 403);
    });

    it('re-checks admin routes against the account: a demoted admin’s token stops working', async () => {
      const email = 'temp-admin@example.org';
      const id = await createAccount(testApp, email, 'admin');
      const token = (await testApp.login(email, PASSWORD)).accessToken;
      expect((await adminCall(token)).statusCode).toBe(200);
      const demoted = await testApp.asAdmin({
        method: 'PATCH',
        url: `/v1/users/${id}`,
        payload: { role: 'user' },
      });
      expect(demoted.statusCode).toBe(200);
      expectProblem(await adminCall(token), 401);
    });

    it('refuses on admin routes a token issued before a sign-out everywhere in the same second', async () => {
      const email = 'same-second@example.org';
      const id = await createAccount(testApp, email, 'admin');
      const before = (await testApp.login(email, PASSWORD)).accessToken;
      expect((await adminCall(before)).statusCode).toBe(200);
      const signOut = await testApp.withToken(before)({ method: 'DELETE', url: '/v1/me/sessions' });
      expect(signOut.statusCode).toBe(204);
      const after = (await testApp.login(email, PASSWORD)).accessToken;
      // Sign-in and sign-out usually share a second, not always: the revocation is moved into the
      // first token's second (never past a later sign-in) so that the case is always the one
      // whole-second issue times cannot decide.
      await query(
        testApp.databaseUrl,
        `update users
            set sessions_revoked_at = least(sessions_revoked_at, to_timestamp($2) + interval '999 milliseconds')
          where id = $1`,
        [id, claimsOf(before).iat],
      );
      const [row] = await query<{ revoked: number }>(
        testApp.databaseUrl,
        'select floor(extract(epoch from sessions_revoked_at))::int as revoked from users where id = $1',
        [id],
      );
      expect(row.revoked).toBe(claimsOf(before).iat);

      expect(expectProblem(await adminCall(before), 401).detail).toMatch(/revoked/);
      expect((await adminCall(after)).statusCode).toBe(200);
      expect([claimsOf(before).sv, claimsOf(after).sv]).toEqual([0, 1]);
    });

    it('refuses on admin routes the access tokens issued before a refresh token came back (theft)', async () => {
      const email = 'reused-admin@example.org';
      await createAccount(testApp, email, 'admin');
      const stolen = (await testApp.login(email, PASSWORD)).refreshToken;
      // Whoever rotated it first holds an admin access token of the session.
      const rotated = await post('/v1/auth/refresh', { refreshToken: stolen });
      expect(rotated.statusCode).toBe(200);
      const { accessToken } = rotated.json<{ accessToken: string }>();
      expect((await adminCall(accessToken)).statusCode).toBe(200);

      expectProblem(await post('/v1/auth/refresh', { refreshToken: stolen }), 401);
      expect(expectProblem(await adminCall(accessToken), 401).detail).toMatch(/revoked/);
      // Signing in again opens them.
      expect((await adminCall((await testApp.login(email, PASSWORD)).accessToken)).statusCode).toBe(
        200,
      );
    });

    it('still judges tokens signed without a session version by their issue time', async () => {
      const email = 'legacy-token@example.org';
      const id = await createAccount(testApp, email, 'admin');
      const token = (await testApp.login(email, PASSWORD)).accessToken;
      const signOut = await testApp.withToken(token)({ method: 'DELETE', url: '/v1/me/sessions' });
      expect(signOut.statusCode).toBe(204);
      const [row] = await query<{ revoked: number }>(
        testApp.databaseUrl,
        'select floor(extract(epoch from sessions_revoked_at))::int as revoked from users where id = $1',
        [id],
      );
      expectProblem(await adminCall(await mint({ sub: id, issuedAt: row.revoked - 1 })), 401);
      expect((await adminCall(await mint({ sub: id, issuedAt: row.revoked }))).statusCode).toBe(
        200,
      );
    });

    it('moves the session version on with every revocation of sessions', async () => {
      const email = 'versioned@example.org';
      const id = await createAccount(testApp, email, 'user');
      const version = async () =>
        (
          await query<{ session_version: number }>(
            testApp.databaseUrl,
            'select session_version from users where id = $1',
            [id],
          )
        )[0].session_version;
      const patch = (payload: object) =>
        testApp.asAdmin({ method: 'PATCH', url: `/v1/users/${id}`, payload });
      expect(await version()).toBe(0);
      const asUser = testApp.withToken((await testApp.login(email, PASSWORD)).accessToken);
      expect((await asUser({ method: 'DELETE', url: '/v1/me/sessions' })).statusCode).toBe(204);
      expect(await version()).toBe(1);
      const changed = await asUser({
        method: 'PUT',
        url: '/v1/me/password',
        payload: { currentPassword: PASSWORD, newPassword: 'violet-harbour-lamp-19' },
      });
      expect(changed.statusCode).toBe(204);
      expect(await version()).toBe(2);
      expect((await patch({ role: 'viewer' })).statusCode).toBe(200);
      expect(await version()).toBe(3);
      expect((await patch({ role: 'viewer' })).statusCode).toBe(200);
      expect(await version()).toBe(3);
      expect((await patch({ disabled: true })).statusCode).toBe(200);
      expect((await patch({ disabled: false })).statusCode).toBe(200);
      expect(await version()).toBe(5);
    });

    it('refuses null for role or disabled (null once re-enabled a disabled account)', async () => {
      const email = 'nulled@example.org';
      const id = await createAccount(testApp, email, 'user');
      const patch = (payload: object) =>
        testApp.asAdmin({ method: 'PATCH', url: `/v1/users/${id}`, payload });
      expect((await patch({ disabled: true })).statusCode).toBe(200);
      for (const [field, payload] of [
        ['disabled', { disabled: null }],
        ['role', { role: null }],
      ] as const) {
        const problem = expectProblem(await patch(payload), 400);
        expect(problem.errors?.map((e) => e.field)).toEqual([field]);
      }
      const account = await testApp.asAdmin({ method: 'GET', url: `/v1/users/${id}` });
      expect(account.json()).toMatchObject({ role: 'user', disabled: true });
      expectProblem(await post('/v1/auth/login', { email, password: PASSWORD }), 401);
    });

    it('treats SQL in credentials and filters as plain data', async () => {
      const injected = "' or '1'='1' --";
      expectProblem(await post('/v1/auth/login', { email: injected, password: injected }), 401);
      const users = await testApp.asAdmin({
        method: 'GET',
        url: `/v1/users?email=${encodeURIComponent(injected)}`,
      });
      expect(users.statusCode).toBe(200);
      expect(users.json()).toEqual([]);
      // LIKE wildcards are escaped too: "%" matches a literal percent sign only.
      const wildcard = await testApp.asAdmin({ method: 'GET', url: '/v1/users?email=%25' });
      expect(wildcard.json()).toEqual([]);
      const audit = await testApp.asAdmin({ method: 'GET', url: '/v1/audit?action=%25' });
      expect(audit.json()).toEqual([]);
    });

    it('refuses malformed Authorization headers and both credentials at once', async () => {
      for (const authorization of ['Basic abc', 'Bearer', 'Bearer a.b', `Token ${viewerToken}`]) {
        expectProblem(
          await testApp.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization } }),
          401,
        );
      }
      expectProblem(
        await testApp.app.inject({
          method: 'GET',
          url: '/v1/me',
          headers: { authorization: `Bearer ${viewerToken}`, 'x-api-key': 'oxk_x' },
        }),
        401,
      );
    });
  });

  describe('brute force', () => {
    const attempt = (email: string, password = 'wrong-password-123') =>
      post('/v1/auth/login', { email, password });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    /** Fails until the lock, honouring Retry-After; returns the statuses seen. */
    async function bruteForce(email: string): Promise<Array<number | string>> {
      const seen: Array<number | string> = [];
      for (let i = 0; i < 5; i++) {
        let response = await attempt(email);
        if (response.statusCode === 429) {
          seen.push(`429:${response.headers['retry-after']}`);
          await sleep(Number(response.headers['retry-after']) * 1000 + 100);
          response = await attempt(email);
        }
        seen.push(response.statusCode);
      }
      return seen;
    }

    it('slows down, then locks the account, and says the same for an unknown one', async () => {
      await createAccount(testApp, 'victim@example.org', 'viewer');
      const known = await bruteForce('victim@example.org');
      const unknown = await bruteForce('ghost@example.org');
      // Two free failures, then 1 s and 2 s back-off, then the lock at the fifth failure.
      expect(known).toEqual([401, 401, 401, '429:1', 401, '429:2', 401]);
      expect(unknown).toEqual(known);

      // Locked: even the right password is refused, with the same answer as for the ghost.
      const locked = await attempt('victim@example.org', PASSWORD);
      const ghost = await attempt('ghost@example.org', PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(50);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(expectProblem(ghost, 429).detail).toBe(expectProblem(locked, 429).detail);

      const lockouts = await query<{ actor_id: string | null; details: { by: string[] } }>(
        testApp.databaseUrl,
        `select actor_id, details from audit_log where action = 'auth.lockout' order by id`,
      );
      expect(lockouts).toHaveLength(2);
      expect(lockouts[0].details.by).toEqual(['account']);
      expect(lockouts[1].actor_id).toBeNull();
      const failures = await query<{ n: number }>(
        testApp.databaseUrl,
        `select count(*)::int as n from audit_log where action = 'auth.login' and outcome = 'failure'`,
      );
      expect(failures[0].n).toBeGreaterThanOrEqual(10);
      // No e-mail address (known or not) is written to the audit log.
      const mentions = await query<{ n: number }>(
        testApp.databaseUrl,
        `select count(*)::int as n from audit_log where (target::text || coalesce(details::text, '')) ilike '%@example.org%'`,
      );
      expect(mentions[0].n).toBe(0);
    });
  });
});
