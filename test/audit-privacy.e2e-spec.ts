import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { query } from './support/databases';
import { createAccount, expectProblem, PASSWORD } from './support/auth';
import { Inject, startTestApp, TestApp, TEST_ADMIN } from './support/test-app';

/** The append-only audit log, automatic auditing of admin routes, and personal data rights. */
describe('audit log and personal data', () => {
  let testApp: TestApp;
  let adminId: string;
  let viewerId: string;
  let asViewer: Inject;
  let teamId: number;

  const auditRows = (where: string, params: unknown[] = []) =>
    query<{
      action: string;
      outcome: string;
      actor_id: string | null;
      actor_type: string;
      target: Record<string, unknown> | null;
      ip: string | null;
      request_id: string | null;
      details: Record<string, unknown> | null;
    }>(testApp.databaseUrl, `select * from audit_log where ${where} order by id`, params);

  beforeAll(async () => {
    testApp = await startTestApp();
    [{ id: adminId }] = await query<{ id: string }>(
      testApp.databaseUrl,
      'select id from users where email = $1',
      [TEST_ADMIN.email],
    );
    viewerId = await createAccount(testApp, 'vic@example.org', 'viewer');
    asViewer = testApp.withToken((await testApp.login('vic@example.org', PASSWORD)).accessToken);
    [{ id: teamId }] = await query<{ id: number }>(
      testApp.databaseUrl,
      `insert into teams (name, created_at) values ('Audit Town', now()) returning id`,
    );
  });
  afterAll(() => testApp?.close());

  describe('admin routes are audited without code of their own', () => {
    it('records a successful admin call with actor, action, target, address and request id', async () => {
      const response = await testApp.asAdmin({
        method: 'POST',
        url: `/v1/teams/${teamId}/aliases`,
        payload: { alias: 'The Auditors' },
        headers: { 'x-request-id': 'audit-req-1' },
      });
      expect(response.statusCode).toBe(201);
      const [entry] = await auditRows('request_id = $1', ['audit-req-1']);
      expect(entry).toMatchObject({
        action: 'POST /v1/teams/:id/aliases',
        outcome: 'success',
        actor_type: 'user',
        actor_id: adminId,
        target: { id: String(teamId) },
        ip: '127.0.0.1',
        details: { status: 201 },
      });
    });

    it('records failed admin calls with their status', async () => {
      const response = await testApp.asAdmin({
        method: 'POST',
        url: '/v1/teams/987654/aliases',
        payload: { alias: 'Nobody' },
        headers: { 'x-request-id': 'audit-req-2' },
      });
      expect(response.statusCode).toBe(404);
      const [entry] = await auditRows('request_id = $1', ['audit-req-2']);
      expect(entry).toMatchObject({ outcome: 'failure', details: { status: 404 } });
    });

    it('records refused attempts of other roles as denied', async () => {
      const response = await asViewer({
        method: 'POST',
        url: `/v1/teams/${teamId}/merge`,
        payload: { intoTeamId: 1 },
        headers: { 'x-request-id': 'audit-req-3' },
      });
      expect(response.statusCode).toBe(403);
      const [entry] = await auditRows('request_id = $1', ['audit-req-3']);
      expect(entry).toMatchObject({
        action: 'POST /v1/teams/:id/merge',
        outcome: 'denied',
        actor_id: viewerId,
      });
    });

    it('records which invitation was created, with its role and expiry, never the address', async () => {
      const response = await testApp.asAdmin({
        method: 'POST',
        url: '/v1/invitations',
        payload: { email: 'invitee-audit@example.org', role: 'admin', expiresInDays: 2 },
        headers: { 'x-request-id': 'audit-req-invite' },
      });
      expect(response.statusCode).toBe(201);
      const entries = await auditRows('request_id = $1', ['audit-req-invite']);
      expect(entries.find((entry) => entry.action === 'invitation.create')).toMatchObject({
        outcome: 'success',
        actor_id: adminId,
        target: { invitationId: response.json().id },
        details: { role: 'admin', expiresAt: response.json().expiresAt },
        ip: '127.0.0.1',
      });
      expect(JSON.stringify(entries)).not.toContain('invitee-audit');
    });

    it('audits reads of personal data, but not every admin read', async () => {
      await testApp.asAdmin({
        method: 'GET',
        url: '/v1/users',
        headers: { 'x-request-id': 'audit-req-4' },
      });
      await testApp.asAdmin({
        method: 'GET',
        url: '/v1/imports',
        headers: { 'x-request-id': 'audit-req-5' },
      });
      expect(await auditRows('request_id = $1', ['audit-req-4'])).toHaveLength(1);
      expect(await auditRows('request_id = $1', ['audit-req-5'])).toHaveLength(0);
    });
  });

  describe('GET /v1/audit', () => {
    it('lists entries newest first with the actor, paginated', async () => {
      const response = await testApp.asAdmin({ method: 'GET', url: '/v1/audit?pageSize=2' });
      expect(response.statusCode).toBe(200);
      const items = response.json();
      expect(items).toHaveLength(2);
      expect(Number(items[0].id)).toBeGreaterThan(Number(items[1].id));
      expect(Number(response.headers['x-total-count'])).toBeGreaterThan(5);
      expect(response.headers.link).toContain('rel="next"');
      // Reading the audit log is itself audited (once answered): the next read shows this one.
      const next = (await testApp.asAdmin({ method: 'GET', url: '/v1/audit?pageSize=1' })).json();
      expect(next[0]).toMatchObject({
        action: 'GET /v1/audit',
        actor: { type: 'user', id: adminId, email: TEST_ADMIN.email, erased: false },
      });
    });

    it('filters by action prefix, actor, outcome and time', async () => {
      const byAction = (
        await testApp.asAdmin({ method: 'GET', url: '/v1/audit?action=POST%20/v1/teams' })
      ).json();
      expect(byAction.length).toBe(3);
      expect(byAction.every((e: { action: string }) => e.action.startsWith('POST /v1/teams'))).toBe(
        true,
      );
      const denied = (
        await testApp.asAdmin({ method: 'GET', url: `/v1/audit?outcome=denied&actor=${viewerId}` })
      ).json();
      expect(denied.map((e: { action: string }) => e.action)).toEqual(['POST /v1/teams/:id/merge']);
      const future = (
        await testApp.asAdmin({ method: 'GET', url: '/v1/audit?from=2999-01-01T00:00:00Z' })
      ).json();
      expect(future).toEqual([]);
      const past = (
        await testApp.asAdmin({ method: 'GET', url: '/v1/audit?to=2000-01-01T00:00:00Z' })
      ).json();
      expect(past).toEqual([]);
    });

    it.each([
      ['actor=not-a-uuid', 'actor'],
      ['outcome=maybe', 'outcome'],
      ['from=yesterday', 'from'],
      ['pageSize=1000', 'pageSize'],
    ])('answers ?%s with 400 naming %s', async (search, field) => {
      const body = expectProblem(
        await testApp.asAdmin({ method: 'GET', url: `/v1/audit?${search}` }),
        400,
      );
      expect(body.errors?.map((e) => e.field)).toContain(field);
    });

    it('is for admins only', async () => {
      expectProblem(await asViewer({ method: 'GET', url: '/v1/audit' }), 403);
    });
  });

  describe('append-only, enforced by PostgreSQL', () => {
    const run = async (sql: string, role?: string) => {
      const client = new Client({ connectionString: testApp.databaseUrl });
      await client.connect();
      try {
        if (role) await client.query(`set role ${role}`);
        return await client.query(sql);
      } finally {
        await client.end();
      }
    };

    it('refuses UPDATE, DELETE and TRUNCATE, even to the owner and a superuser', async () => {
      const before = await auditRows('true');
      await expect(
        run(`update audit_log set outcome = 'success' where outcome = 'denied'`),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(run('delete from audit_log')).rejects.toThrow(/append-only: DELETE refused/);
      await expect(run('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
      expect(await auditRows('true')).toEqual(before);
    });

    it('gives a runtime role set up as documented INSERT and SELECT only', async () => {
      const role = `oracx_app_${randomBytes(4).toString('hex')}`;
      await run(`create role ${role}`);
      try {
        await run(`grant usage on schema public to ${role}`);
        // The README's grants for a separate runtime role.
        await run(`grant select, insert on audit_log to ${role}`);
        await run(`grant usage on sequence audit_log_id_seq to ${role}`);
        await run(
          `insert into audit_log (actor_type, action, outcome) values ('system', 'test.insert', 'success')`,
          role,
        );
        expect(
          (await run(`select count(*) from audit_log where action = 'test.insert'`, role)).rows[0]
            .count,
        ).toBe('1');
        await expect(run(`update audit_log set action = 'x'`, role)).rejects.toThrow(
          /permission denied/,
        );
        await expect(run('delete from audit_log', role)).rejects.toThrow(/permission denied/);
        await expect(run(`alter table audit_log disable trigger user`, role)).rejects.toThrow(
          /must be owner/,
        );
      } finally {
        await run(`revoke all on audit_log from ${role}`);
        await run(`revoke all on sequence audit_log_id_seq from ${role}`);
        await run(`revoke all on schema public from ${role}`);
        await run(`drop role ${role}`);
      }
    });
  });

  describe('personal data: export and erasure', () => {
    const email = 'erin@example.org';
    let erinId: string;
    let asErin: Inject;
    let refreshToken: string;
    let apiKey: string;

    beforeAll(async () => {
      erinId = await createAccount(testApp, email, 'user');
      const pair = await testApp.login(email, PASSWORD);
      refreshToken = pair.refreshToken;
      asErin = testApp.withToken(pair.accessToken);
      const key = await asErin({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: 'erin-bot', scopes: ['read'] },
      });
      expect(key.statusCode).toBe(201);
      apiKey = key.json().key;
    });

    it('exports everything held about the account, without secrets', async () => {
      const response = await asErin({ method: 'GET', url: '/v1/me/export' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toContain('attachment');
      const data = response.json();
      expect(data.account).toMatchObject({ id: erinId, email, role: 'user' });
      expect(data.sessions).toHaveLength(1);
      expect(data.apiKeys).toEqual([
        expect.objectContaining({ name: 'erin-bot', scopes: ['read'] }),
      ]);
      expect(data.auditEntries.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(['user.register', 'auth.login', 'apikey.create']),
      );
      expect(response.body).not.toMatch(/argon2|password_?hash|key_?hash|token_?hash/i);
      // Dates in one format throughout (ISO 8601), audit entries included.
      for (const entry of data.auditEntries) {
        expect(entry.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    });

    it('exports the stored history of ended sessions too (addresses and user agents)', async () => {
      await createAccount(testApp, 'roamer@example.org', 'viewer');
      const login = (agent: string) =>
        testApp.app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { email: 'roamer@example.org', password: PASSWORD },
          headers: { 'user-agent': agent },
        });
      const ended = (await login('old-phone/1.0')).json();
      expect(
        (
          await testApp.app.inject({
            method: 'POST',
            url: '/v1/auth/logout',
            payload: { refreshToken: ended.refreshToken },
          })
        ).statusCode,
      ).toBe(204);
      const live = (await login('laptop/2.0')).json();
      const data = (
        await testApp.withToken(live.accessToken)({ method: 'GET', url: '/v1/me/export' })
      ).json();
      expect(data.sessions).toHaveLength(1);
      expect(data.sessionHistory).toEqual([
        expect.objectContaining({ userAgent: 'old-phone/1.0', ip: '127.0.0.1' }),
        expect.objectContaining({ userAgent: 'laptop/2.0', ip: '127.0.0.1', revokedAt: null }),
      ]);
      expect(data.sessionHistory[0].revokedAt).not.toBeNull();
      expect(JSON.stringify(data.sessionHistory)).not.toMatch(/hash|oxr_/i);
    });

    it('exports every audit entry of the account, however many (an admin easily has 10,000+)', async () => {
      const id = await createAccount(testApp, 'busy@example.org', 'viewer');
      const asBusy = testApp.withToken(
        (await testApp.login('busy@example.org', PASSWORD)).accessToken,
      );
      await query(
        testApp.databaseUrl,
        `insert into audit_log (actor_type, actor_id, action, outcome)
         select 'user', $1, 'busy.work', 'success' from generate_series(1, 10000)`,
        [id],
      );
      const [{ count }] = await query<{ count: string }>(
        testApp.databaseUrl,
        'select count(*) from audit_log where actor_id = $1',
        [id],
      );
      const response = await asBusy({ method: 'GET', url: '/v1/me/export' });
      expect(response.statusCode).toBe(200);
      const entries: Array<{ action: string }> = response.json().auditEntries;
      expect(entries).toHaveLength(Number(count));
      expect(entries.map((e) => e.action)).toContain('user.register');
    });

    it('is refused to API keys and to other users by construction (own data only)', async () => {
      const viaKey = await testApp.app.inject({
        method: 'GET',
        url: '/v1/me/export',
        headers: { 'x-api-key': apiKey },
      });
      expectProblem(viaKey, 403);
      const other = (await asViewer({ method: 'GET', url: '/v1/me/export' })).json();
      expect(other.account.id).toBe(viewerId);
      expect(JSON.stringify(other)).not.toContain(email);
    });

    it('erases the account after checking the password; audit entries keep only a pseudonym', async () => {
      const wrong = expectProblem(
        await asErin({ method: 'DELETE', url: '/v1/me', payload: { password: 'not-my-password' } }),
        400,
      );
      expect(wrong.errors?.[0].field).toBe('password');

      const erased = await asErin({
        method: 'DELETE',
        url: '/v1/me',
        payload: { password: PASSWORD },
      });
      expect(erased.statusCode).toBe(204);

      for (const table of ['users', 'refresh_tokens', 'api_keys']) {
        const column = table === 'users' ? 'id' : 'user_id';
        const rows = await query(
          testApp.databaseUrl,
          `select 1 from ${table} where ${column} = $1`,
          [erinId],
        );
        expect([table, rows.length]).toEqual([table, 0]);
      }
      const [invitation] = await query<{ n: number }>(
        testApp.databaseUrl,
        `select count(*)::int as n from invitations where email = $1`,
        [email],
      );
      expect(invitation.n).toBe(0);
      // Nothing in the whole audit log still names the person ...
      const mentions = await query<{ n: number }>(
        testApp.databaseUrl,
        `select count(*)::int as n from audit_log a where a::text ilike $1`,
        [`%${email}%`],
      );
      expect(mentions[0].n).toBe(0);
      // ... while the entries stay, under the account's now meaningless id.
      const entries = await auditRows('actor_id = $1', [erinId]);
      expect(entries.map((e) => e.action)).toEqual(
        expect.arrayContaining(['user.register', 'auth.login', 'apikey.create', 'user.erase']),
      );
      const listed = (
        await testApp.asAdmin({ method: 'GET', url: `/v1/audit?actor=${erinId}` })
      ).json();
      expect(listed.length).toBe(entries.length);
      expect(listed[0].actor).toEqual({
        type: 'user',
        id: erinId,
        email: null,
        erased: true,
        apiKeyId: null,
      });

      expectProblem(await asErin({ method: 'GET', url: '/v1/me' }), 401);
      // The other own-account routes say the same, not "user <id> does not exist" (404).
      for (const [method, url, payload] of [
        ['GET', '/v1/me/export', undefined],
        ['PUT', '/v1/me/password', { currentPassword: PASSWORD, newPassword: 'new-river-lamp-93' }],
        ['DELETE', '/v1/me', { password: PASSWORD }],
      ] as const) {
        const response = await asErin({ method, url, ...(payload ? { payload } : {}) });
        expect([method, url, response.statusCode]).toEqual([method, url, 401]);
      }
      expectProblem(
        await testApp.app.inject({
          method: 'POST',
          url: '/v1/auth/refresh',
          payload: { refreshToken },
        }),
        401,
      );
      expectProblem(
        await testApp.app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { email, password: PASSWORD },
        }),
        401,
      );
    });

    it('never leaves the service without an active admin', async () => {
      expectProblem(
        await testApp.asAdmin({
          method: 'DELETE',
          url: '/v1/me',
          payload: { password: TEST_ADMIN.password },
        }),
        409,
      );
      expectProblem(
        await testApp.asAdmin({
          method: 'PATCH',
          url: `/v1/users/${adminId}`,
          payload: { role: 'user' },
        }),
        409,
      );
      expectProblem(
        await testApp.asAdmin({
          method: 'PATCH',
          url: `/v1/users/${adminId}`,
          payload: { disabled: true },
        }),
        409,
      );
    });

    it('leaves no trace of the address in the sign-in failure counters when an admin erases it', async () => {
      const address = 'fumbled@example.org';
      const id = await createAccount(testApp, address, 'viewer');
      const failed = await testApp.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: address, password: 'not-the-password' },
      });
      expectProblem(failed, 401);
      const counters = () =>
        query(testApp.databaseUrl, `select key from login_failures where key like $1`, [
          `%${address}%`,
        ]);
      expect(await counters()).toHaveLength(1);
      expect((await testApp.asAdmin({ method: 'DELETE', url: `/v1/users/${id}` })).statusCode).toBe(
        204,
      );
      expect(await counters()).toEqual([]);
    });

    it('erases every invitation naming the address, not only the one it registered with', async () => {
      const address = 'twice@example.org';
      const invite = async (role: string) => {
        const response = await testApp.asAdmin({
          method: 'POST',
          url: '/v1/invitations',
          payload: { email: address, role },
        });
        expect(response.statusCode).toBe(201);
        return response.json().token as string;
      };
      const first = await invite('viewer');
      const second = await invite('admin');
      const register = (invitation: string) =>
        testApp.app.inject({
          method: 'POST',
          url: '/v1/auth/register',
          payload: { email: address, password: PASSWORD, invitation },
        });
      const registered = await register(first);
      expect(registered.statusCode).toBe(201);
      const asTwice = testApp.withToken((await testApp.login(address, PASSWORD)).accessToken);
      expect(
        (await asTwice({ method: 'DELETE', url: '/v1/me', payload: { password: PASSWORD } }))
          .statusCode,
      ).toBe(204);
      expect(
        await query(testApp.databaseUrl, 'select id from invitations where email = $1', [address]),
      ).toEqual([]);
      expectProblem(await register(second), 400);
    });

    it('lets an admin erase another account (audited), but not read anyone else’s export', async () => {
      const id = await createAccount(testApp, 'gone@example.org', 'viewer');
      expect((await testApp.asAdmin({ method: 'DELETE', url: `/v1/users/${id}` })).statusCode).toBe(
        204,
      );
      expectProblem(await testApp.asAdmin({ method: 'GET', url: `/v1/users/${id}` }), 404);
      const entries = await auditRows(`target->>'userId' = $1 or target->>'id' = $1`, [id]);
      expect(entries.map((e) => e.action)).toEqual([
        'user.erase',
        'DELETE /v1/users/:id',
        'GET /v1/users/:id',
      ]);
    });
  });
});
