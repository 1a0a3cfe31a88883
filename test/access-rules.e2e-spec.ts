import { registeredRoutes } from '../src/common/http/route-registry';
import { startTestApp, TestApp } from './support/test-app';
import { createAccount, PASSWORD } from './support/auth';
import { controllerRoutes, ControllerRoute, exampleUrl } from './support/routes';

/**
 * Routes Fastify serves that are not Nest controller routes (so no guard runs on them): Swagger
 * UI and its document, which are public by design. Anything else outside Nest fails the test.
 */
// Swagger, and the Prometheus scrape (public and never rate-limited by design, outside Nest).
const PUBLIC_NON_NEST_ROUTES = [/^\/docs(\/.*|-json|-yaml)?$/, /^\/metrics$/];

describe('access rules: every route has one, and the guard enforces it', () => {
  let testApp: TestApp;
  let routes: ControllerRoute[];
  let viewerToken: string;
  let userToken: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    routes = controllerRoutes(testApp.app);
    await createAccount(testApp, 'viewer@oracxpred.test', 'viewer');
    await createAccount(testApp, 'user@oracxpred.test', 'user');
    viewerToken = (await testApp.login('viewer@oracxpred.test', PASSWORD)).accessToken;
    userToken = (await testApp.login('user@oracxpred.test', PASSWORD)).accessToken;
  });
  afterAll(() => testApp?.close());

  it('finds the controller routes (the enumeration itself works)', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'POST', url: '/v1/teams/:id/merge' }),
    );
  });

  it('gives every controller route an explicit rule', () => {
    const missing = routes
      .filter((route) => !route.rule)
      .map((r) => `${r.method} ${r.url} (${r.handler})`);
    expect(missing).toEqual([]);
  });

  it('serves no route outside Nest except the public API documentation', () => {
    const nest = new Set(routes.map((route) => `${route.method} ${route.url}`));
    const served = registeredRoutes(testApp.app.getHttpAdapter().getInstance());
    expect(served.length).toBeGreaterThan(routes.length);
    const unexplained = served
      .filter(({ method }) => method !== 'HEAD' && method !== 'OPTIONS')
      .filter(({ method, url }) => !nest.has(`${method} ${url}`))
      .filter(({ url }) => !PUBLIC_NON_NEST_ROUTES.some((pattern) => pattern.test(url)))
      .map(({ method, url }) => `${method} ${url}`);
    expect(unexplained).toEqual([]);
    // HEAD routes are Fastify's automatic twins of GET routes.
    const heads = served.filter((r) => r.method === 'HEAD');
    expect(heads.every((h) => served.some((r) => r.method === 'GET' && r.url === h.url))).toBe(
      true,
    );
  });

  it('applies the agreed rule to each area', () => {
    const ruleOf = (method: string, url: string) =>
      routes.find((r) => r.method === method && r.url === url)?.rule;
    expect(ruleOf('GET', '/health/live')).toEqual({ level: 'public' });
    expect(ruleOf('GET', '/health/ready')).toEqual({ level: 'public' });
    expect(ruleOf('POST', '/v1/auth/login')).toEqual({ level: 'public' });
    expect(ruleOf('GET', '/v1/matches')).toMatchObject({ level: 'viewer', apiKeyScope: 'read' });
    expect(ruleOf('GET', '/v1/competitions')).toMatchObject({ level: 'viewer' });
    expect(ruleOf('GET', '/v1/matches/live')).toMatchObject({ level: 'viewer' });
    expect(ruleOf('GET', '/v1/matches/:id/odds/movements')).toMatchObject({ level: 'viewer' });
    // Generated data, read by collectors like any public feed.
    expect(ruleOf('GET', '/v1/virtual-league/feed')).toEqual({ level: 'public' });
    expect(ruleOf('POST', '/v1/me/api-keys')).toMatchObject({ level: 'user', apiKeyScope: null });
    // Webhooks: users manage their own (also with a `predict` key); admins everybody's.
    for (const [method, url] of [
      ['POST', '/v1/webhooks'],
      ['GET', '/v1/webhooks'],
      ['GET', '/v1/webhooks/:id'],
      ['PATCH', '/v1/webhooks/:id'],
      ['DELETE', '/v1/webhooks/:id'],
      ['GET', '/v1/webhooks/:id/deliveries'],
      ['POST', '/v1/webhooks/:id/ping'],
      ['POST', '/v1/webhooks/:id/enable'],
      ['POST', '/v1/webhooks/:id/rotate-secret'],
    ]) {
      expect([method, url, ruleOf(method, url)]).toEqual([
        method,
        url,
        expect.objectContaining({ level: 'user', apiKeyScope: 'predict' }),
      ]);
    }
    for (const [method, url] of [
      ['POST', '/v1/imports'],
      ['GET', '/v1/imports'],
      ['POST', '/v1/teams/:id/aliases'],
      ['POST', '/v1/teams/:id/merge'],
      ['GET', '/v1/matches/overdue'],
      ['POST', '/v1/matches/:id/cancel'],
      ['GET', '/v1/users'],
      ['GET', '/v1/audit'],
      ['POST', '/v1/invitations'],
      ['GET', '/v1/collector/sources'],
      ['GET', '/v1/collector/sources/:id/polls'],
      ['POST', '/v1/collector/sources/:id/poll'],
    ]) {
      expect([method, url, ruleOf(method, url)?.level]).toEqual([method, url, 'admin']);
    }
  });

  it('answers every protected route with 401 problem+json without credentials', async () => {
    const protectedRoutes = routes.filter((route) => route.rule?.level !== 'public');
    expect(protectedRoutes.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const route of protectedRoutes) {
      const response = await testApp.app.inject({
        method: route.method as 'GET',
        url: exampleUrl(route.url),
      });
      if (
        response.statusCode !== 401 ||
        !response.headers['content-type']?.toString().startsWith('application/problem+json') ||
        response.headers['www-authenticate'] === undefined
      ) {
        wrong.push(`${route.method} ${route.url}: ${response.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers every admin route with 403 for viewers and users', async () => {
    const adminRoutes = routes.filter((route) => route.rule?.level === 'admin');
    expect(adminRoutes.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const token of [viewerToken, userToken]) {
      for (const route of adminRoutes) {
        const response = await testApp.withToken(token)({
          method: route.method as 'GET',
          url: exampleUrl(route.url),
        });
        if (response.statusCode !== 403)
          wrong.push(`${route.method} ${route.url}: ${response.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers user routes with 403 for viewers, and lets users through', async () => {
    const response = await testApp.withToken(viewerToken)({
      method: 'GET',
      url: '/v1/me/api-keys',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toContain('user role');
    const allowed = await testApp.withToken(userToken)({ method: 'GET', url: '/v1/me/api-keys' });
    expect(allowed.statusCode).toBe(200);
  });

  it('lets viewers change nothing but their own account, and refuses them every user route', async () => {
    // Anonymous callers and viewers may change only these: sessions and their own account.
    const openChanges = routes
      .filter((route) => route.method !== 'GET')
      .filter((route) => route.rule?.level === 'public' || route.rule?.level === 'viewer')
      .map((route) => `${route.method} ${route.url}`)
      .sort();
    expect(openChanges).toEqual([
      'DELETE /v1/me',
      'DELETE /v1/me/sessions',
      'DELETE /v1/me/sessions/:id',
      'POST /v1/auth/login',
      'POST /v1/auth/logout',
      'POST /v1/auth/refresh',
      'POST /v1/auth/register',
      'PUT /v1/me/password',
    ]);
    const userRoutes = routes.filter((route) => route.rule?.level === 'user');
    expect(userRoutes.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const route of userRoutes) {
      const response = await testApp.withToken(viewerToken)({
        method: route.method as 'GET',
        url: exampleUrl(route.url),
      });
      if (response.statusCode !== 403)
        wrong.push(`${route.method} ${route.url}: ${response.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets viewers read the catalogue', async () => {
    const response = await testApp.withToken(viewerToken)({ method: 'GET', url: '/v1/matches' });
    expect(response.statusCode).toBe(200);
  });

  it('documents the rule and the security of every operation in OpenAPI', async () => {
    const document = (await testApp.app.inject({ method: 'GET', url: '/docs-json' })).json();
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    const missing: string[] = [];
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      if (!operation) {
        missing.push(`${route.method} ${route.url}: not documented`);
        continue;
      }
      const access = operation['x-access'];
      const keysAllowed = route.rule?.level !== 'public' && route.rule?.apiKeyScope !== null;
      const security = (operation.security ?? []).flatMap((s: object) => Object.keys(s));
      if (route.rule?.level === 'public') {
        if (access?.level !== 'public' || security.length > 0)
          missing.push(`${route.method} ${route.url}`);
      } else if (
        access?.role !== route.rule?.level ||
        !security.includes('bearer') ||
        security.includes('apiKey') !== keysAllowed
      ) {
        missing.push(`${route.method} ${route.url}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
