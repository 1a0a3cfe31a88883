import { isDeepStrictEqual } from 'node:util';
import { ModulesContainer } from '@nestjs/core';
import { Inject, startTestApp, TestApp } from './support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PROBLEM_JSON = /^application\/problem\+json/;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: Array<{ field: string; reason: string }>;
}

interface OpenApiOperation {
  summary?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<
    string,
    { content?: Record<string, unknown>; headers?: Record<string, unknown> }
  >;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
/**
 * /v1 operations without any input (no parameters, no body), hence without a 4xx to document.
 * The test checks they really take no input, so a route cannot hide here once it gains some.
 */
const NO_CLIENT_ERROR_ROUTES = ['GET /v1/competitions'];

describe('HTTP basics: health, problem+json errors, request ids, headers, docs', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  const inject: Inject = (options) => testApp.asAdmin(options);

  /** Checks the RFC 9457 shape and that the body and the header carry the same request id. */
  function expectProblem(
    response: Awaited<ReturnType<typeof inject>>,
    status: number,
    instance: string,
  ): Problem {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    const problem = response.json<Problem>();
    expect(problem).toMatchObject({ status, instance });
    expect(typeof problem.type).toBe('string');
    expect(problem.title).toEqual(expect.any(String));
    expect(problem.detail).toEqual(expect.any(String));
    expect(problem.requestId).toBe(response.headers['x-request-id']);
    // Nothing internal reaches a client.
    expect(response.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|select |insert into/i);
    return problem;
  }

  describe('health', () => {
    it('/health/live answers 200 {status: ok}', async () => {
      const response = await inject({ method: 'GET', url: '/health/live' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('/health/ready answers 200 with the database and the queue up', async () => {
      const response = await inject({ method: 'GET', url: '/health/ready' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toContain('no-store');
      const body = response.json();
      expect(body.status).toBe('ok');
      expect(body.details).toEqual({
        champion: { status: 'up', champions: 'none yet' },
        database: { status: 'up' },
        queue: { status: 'up', backend: process.env.REDIS_URL ? 'bull' : 'in-process' },
        // Redis itself is checked when configured.
        ...(process.env.REDIS_URL ? { redis: { status: 'up' } } : {}),
      });
    });
  });

  describe('errors are problem+json', () => {
    it('an unknown route is a 404 problem', async () => {
      const response = await inject({ method: 'GET', url: '/v1/no-such-thing?x=1' });
      const problem = expectProblem(response, 404, '/v1/no-such-thing?x=1');
      expect(problem.title).toBe('Not found');
    });

    it('a body in a media type no route reads is a 415 saying what to send', async () => {
      for (const type of ['text/plain', 'application/xml']) {
        const response = await inject({
          method: 'POST',
          url: '/v1/training-runs',
          headers: { 'content-type': type },
          payload: 'modelType=elo',
        });
        const problem = expectProblem(response, 415, '/v1/training-runs');
        expect(problem.detail).toContain('application/json');
        expect(problem.detail).toContain(type);
      }
    });

    it('a malformed or empty JSON body is a 400 validation problem naming the body', async () => {
      for (const [payload, reason] of [
        ['{bad', 'is not valid JSON (content-type says application/json)'],
        ['', 'is empty, but content-type says application/json'],
      ]) {
        const response = await inject({
          method: 'POST',
          url: '/v1/imports',
          headers: { 'content-type': 'application/json' },
          payload,
        });
        const problem = expectProblem(response, 400, '/v1/imports');
        expect(problem).toMatchObject({
          type: 'https://oracxpred.dev/problems/validation-failed',
          errors: [{ field: 'body', reason }],
        });
      }
    });

    it('a JSON body over the 1 MiB limit is a 413 problem', async () => {
      const response = await inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ url: 'https://example.org/a.csv', pad: 'x'.repeat(1024 * 1024) }),
      });
      const problem = expectProblem(response, 413, '/v1/imports');
      expect(problem.title).toBe('Payload too large');
    });

    it('a JSON body just under the limit gets past the size check', async () => {
      const response = await inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ url: 'not a url', pad: 'x'.repeat(1000 * 1000) }),
      });
      // Refused by validation (unknown field, bad url), not by the body limit.
      const problem = expectProblem(response, 400, '/v1/imports');
      expect(problem.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['url', 'pad']));
    });

    it('invalid query parameters are a 400 problem listing each field', async () => {
      const response = await inject({ method: 'GET', url: '/v1/matches?pageSize=1000' });
      const problem = expectProblem(response, 400, '/v1/matches?pageSize=1000');
      expect(problem.errors).toEqual([
        { field: 'pageSize', reason: 'pageSize must not be greater than 200' },
      ]);
    });
  });

  describe('hostile input is a 400 naming the field, never a 500', () => {
    async function expectFieldErrors(url: string, fields: string[], payload?: unknown) {
      const method = payload === undefined ? 'GET' : 'POST';
      const headers = { 'content-type': 'application/json' };
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const response = await inject({ method, url, headers, payload: body });
      const problem = expectProblem(response, 400, url);
      expect(problem.errors?.map((e) => e.field)).toEqual(fields);
      return problem;
    }

    it('a NUL character in the query or the path', async () => {
      await expectFieldErrors('/v1/teams?search=a%00b', ['search']);
      await expectFieldErrors('/v1/teams/a%00b', ['id']);
    });

    it("URLs Fastify's router refuses before any route: bad percent-encoding, an overlong segment", async () => {
      await expectFieldErrors('/v1/matches/%zz', ['url']);
      const longId = 'x'.repeat(5000);
      const response = await inject({ method: 'GET', url: `/v1/matches/${longId}` });
      const problem = expectProblem(response, 414, `/v1/matches/${longId}`.slice(0, 200) + '...');
      expect(problem.errors).toEqual([
        { field: 'url', reason: 'a path segment is longer than 100 characters' },
      ]);
    });

    it('a NUL character inside a JSON body, with its dotted path', async () => {
      const payload = { url: 'https://example.org/a\u0000.csv', format: 'history' };
      const problem = await expectFieldErrors('/v1/imports', ['url'], payload);
      expect(problem.errors?.[0].reason).toMatch(/NUL/);
    });

    it('strings with an unpaired surrogate (isEmail threw on them: a 500)', async () => {
      for (const url of ['/v1/invitations', '/v1/auth/register']) {
        const problem = await expectFieldErrors(
          url,
          ['email'],
          '{"email":"a\\ud800b","role":"user"}',
        );
        expect(problem.errors?.[0].reason).toMatch(/well-formed Unicode/);
      }
    });

    it('JSON nested deeper than any request of the API needs', async () => {
      const deep = `{"url":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
      await expectFieldErrors('/v1/imports', ['url'], deep);
      await expectFieldErrors(
        '/v1/imports',
        ['body'],
        `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      );
    });

    it('dates that do not exist or are out of range', async () => {
      await expectFieldErrors('/v1/matches?from=2024-02-30', ['from']);
      await expectFieldErrors('/v1/matches?to=0000-01-01', ['to']);
      await expectFieldErrors('/v1/predictions?from=2024-13-01', ['from']);
      await expectFieldErrors('/v1/performance?from=2023-02-29', ['from']);
      // A real leap day is a date.
      const leapDay = await inject({ method: 'GET', url: '/v1/matches?from=2024-02-29' });
      expect(leapDay.statusCode).toBe(200);
    });

    it('ids that are not positive 32-bit integers', async () => {
      const problem = await expectFieldErrors('/v1/matches/2147483648/prediction', ['id']);
      expect(problem.errors?.[0].reason).toMatch(/2147483647/);
      await expectFieldErrors('/v1/matches/abc', ['id']);
      await expectFieldErrors('/v1/matches/0', ['id']);
      await expectFieldErrors('/v1/matches/1.5', ['id']);
      await expectFieldErrors('/v1/matches?team=2147483648', ['team']);
      await expectFieldErrors('/v1/predictions/simulate', ['fixtures.0.homeTeamId'], {
        fixtures: [{ homeTeamId: 2147483648, awayTeamId: 1 }],
      });
    });

    it('ids that are not UUIDs, in the path or the query', async () => {
      const problem = await expectFieldErrors('/v1/models/not-a-uuid', ['id']);
      expect(problem.errors?.[0].reason).toBe('must be a UUID');
      await expectFieldErrors('/v1/training-runs/123', ['id']);
      await expectFieldErrors('/v1/matches/1/prediction?model=latest', ['model']);
    });

    it('free text longer than any real value', async () => {
      const long = 'x'.repeat(121);
      await expectFieldErrors(`/v1/predictions?competition=${long}`, ['competition']);
      await expectFieldErrors(`/v1/performance?competition=${long}`, ['competition']);
      await expectFieldErrors('/v1/training-runs', ['competitions'], {
        modelType: 'elo',
        competitions: [long],
      });
      const id = '00000000-0000-4000-8000-000000000000';
      await expectFieldErrors(`/v1/models/${id}/promote`, ['reason'], { reason: 'x'.repeat(501) });
    });

    it('a missing required field: one reason, "is required"', async () => {
      const problem = await expectFieldErrors('/v1/training-runs', ['modelType'], {});
      expect(problem.errors?.[0].reason).toBe('modelType is required');
    });

    it('a window that ends before it starts', async () => {
      const problem = await expectFieldErrors('/v1/matches?from=2024-02-01&to=2024-01-01', ['to']);
      expect(problem.errors?.[0].reason).toBe('to must be after from');
      await expectFieldErrors('/v1/performance?from=2024-02-01&to=2024-02-01', ['to']);
      await expectFieldErrors('/v1/predictions?from=2027-02-01T00:00:00Z&to=2027-01-01', ['to']);
      await expectFieldErrors('/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-31T23:59:59Z', [
        'to',
      ]);
      const ordered = await inject({
        method: 'GET',
        url: '/v1/matches?from=2024-01-01&to=2024-02-01',
      });
      expect(ordered.statusCode).toBe(200);
    });

    it('query parameters a route does not take', async () => {
      const problem = await expectFieldErrors('/v1/competitions?country=england', ['country']);
      expect(problem.errors?.[0].reason).toBe('country is not a query parameter of this route');
      await expectFieldErrors('/v1/ledger/verify?from=1', ['from']);
      await expectFieldErrors('/v1/matches?country=england', ['country']);
      // A route reading one named parameter refuses the others (a misspelt `model` included).
      await expectFieldErrors(
        '/v1/matches/1/prediction?modle=6f1c0b9e-4a59-4a8e-9a3e-5d2c1f0e7a11',
        ['modle'],
      );
      const plain = await inject({ method: 'GET', url: '/v1/competitions' });
      expect(plain.statusCode).toBe(200);
    });

    it('a page number past any real page count', async () => {
      // Digits only: '1e20' is refused as no integer at all (read-api.e2e-spec).
      await expectFieldErrors('/v1/matches?page=100000000000000000000', ['page']);
      await expectFieldErrors('/v1/predictions?page=99999999999', ['page']);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a valid id in the response header and in problem bodies', async () => {
      const id = 'client-req_42.a:b';
      const ok = await inject({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-request-id': id },
      });
      expect(ok.headers['x-request-id']).toBe(id);

      const notFound = await inject({
        method: 'GET',
        url: '/nope',
        headers: { 'x-request-id': id },
      });
      expect(notFound.headers['x-request-id']).toBe(id);
      expect(expectProblem(notFound, 404, '/nope').requestId).toBe(id);
    });

    it('generates a UUID when none is given, a new one per request', async () => {
      const first = await inject({ method: 'GET', url: '/health/live' });
      const second = await inject({ method: 'GET', url: '/health/live' });
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it.each([
      ['300 characters', 'a'.repeat(300)],
      ['spaces', 'has spaces in it'],
      ['a header injection attempt', 'abc<script>'],
    ])('replaces an id with %s by a generated UUID', async (_case, given) => {
      const response = await inject({
        method: 'GET',
        url: '/nope',
        headers: { 'x-request-id': given },
      });
      const id = response.headers['x-request-id'];
      expect(id).toMatch(UUID);
      expect(expectProblem(response, 404, '/nope').requestId).toBe(id);
    });
  });

  describe('security headers', () => {
    const common = {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    };

    it('are set on API responses, with a locked-down CSP', async () => {
      const response = await inject({ method: 'GET', url: '/v1/competitions' });
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject(common);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    });

    it('are set on error responses too', async () => {
      const response = await inject({ method: 'GET', url: '/nope' });
      expect(response.headers).toMatchObject(common);
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    });

    it('let Swagger UI run under /docs only', async () => {
      const response = await inject({ method: 'GET', url: '/docs' });
      expect(response.headers).toMatchObject(common);
      expect(response.headers['content-security-policy']).toContain(
        "script-src 'self' 'unsafe-inline'",
      );
    });
  });

  describe('API documentation', () => {
    it('/docs serves Swagger UI as HTML', async () => {
      const response = await inject({ method: 'GET', url: '/docs' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toMatch(/swagger-ui/i);
    });

    describe('/docs-json', () => {
      let document: OpenApiDocument;
      const operations = () =>
        Object.entries(document.paths).flatMap(([path, item]) =>
          Object.entries(item)
            .filter(([method]) => HTTP_METHODS.includes(method))
            .map(([method, operation]) => ({
              route: `${method.toUpperCase()} ${path}`,
              path,
              operation,
            })),
        );

      beforeAll(async () => {
        const response = await inject({ method: 'GET', url: '/docs-json' });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        document = response.json<OpenApiDocument>();
      });

      it('is an OpenAPI 3 document with the versioned API and the problem schema', () => {
        expect(document.openapi).toMatch(/^3\./);
        const paths = Object.keys(document.paths);
        expect(paths).toEqual(
          expect.arrayContaining(['/health/live', '/health/ready', '/v1/matches', '/v1/imports']),
        );
        expect(document.components?.schemas).toHaveProperty('ProblemDetails');
      });

      it('gives every operation a summary', () => {
        const missing = operations()
          .filter(({ operation }) => !operation.summary?.trim())
          .map(({ route }) => route);
        expect(missing).toEqual([]);
      });

      it('documents at least one 4xx problem+json response on every /v1 operation', () => {
        const v1 = operations().filter(({ path }) => path.startsWith('/v1/'));
        expect(v1.length).toBeGreaterThan(5);
        // Operations exempt because they take no input at all, so no client error is possible.
        for (const route of NO_CLIENT_ERROR_ROUTES) {
          const found = v1.find((o) => o.route === route);
          expect(found).toBeDefined();
          expect(found?.operation.parameters ?? []).toEqual([]);
          expect(found?.operation.requestBody).toBeUndefined();
        }
        const missing = v1
          .filter(({ route }) => !NO_CLIENT_ERROR_ROUTES.includes(route))
          .filter(
            ({ operation }) =>
              !Object.entries(operation.responses ?? {}).some(
                ([status, response]) =>
                  /^4\d\d$/.test(status) &&
                  response.content?.['application/problem+json'] !== undefined,
              ),
          )
          .map(({ route }) => route);
        expect(missing).toEqual([]);
      });

      it('documents each import body under its own media type', () => {
        const body = document.paths['/v1/imports'].post.requestBody as {
          content: Record<string, { schema: { $ref?: string; properties?: object } }>;
        };
        expect(body.content['application/json'].schema.$ref).toMatch(/ImportFromUrlBody$/);
        expect(body.content['multipart/form-data'].schema.properties).toMatchObject({
          file: { type: 'string', format: 'binary' },
        });
      });

      it('never documents a list of objects as a list of strings', () => {
        // An `object[]` property without an explicit `items` is documented by the Swagger plugin
        // as an array of strings (PredictionView.odds was, while the API sends objects).
        type Property = { type?: string; items?: { type?: string }; example?: unknown };
        const wrong = Object.entries(document.components?.schemas ?? {}).flatMap(
          ([schema, definition]) =>
            Object.entries(
              (definition as { properties?: Record<string, Property> }).properties ?? {},
            )
              .filter(
                ([, p]) =>
                  p.type === 'array' &&
                  p.items?.type === 'string' &&
                  Array.isArray(p.example) &&
                  p.example.some((item) => typeof item === 'object' && item !== null),
              )
              .map(([name]) => `${schema}.${name}`),
        );
        expect(wrong).toEqual([]);
        const odds = (
          document.components?.schemas?.PredictionView as { properties: Record<string, Property> }
        ).properties.odds;
        expect(odds.items).toEqual({ type: 'object' });
      });

      it('types every id path parameter as an integer or a UUID, with its bounds', () => {
        const ids = operations().flatMap(({ route, operation }) =>
          ((operation.parameters ?? []) as Array<{ name: string; in: string; schema?: object }>)
            .filter((p) => p.in === 'path' && /^(id|keyId)$/.test(p.name))
            .map((p) => ({ route, name: p.name, schema: p.schema })),
        );
        expect(ids.length).toBeGreaterThan(20);
        const integer = { type: 'integer', minimum: 1, maximum: 2147483647 };
        const uuid = { type: 'string', format: 'uuid' };
        const untyped = ids.filter(
          (id) =>
            !isDeepStrictEqual(id.schema, integer) &&
            !isDeepStrictEqual(id.schema, uuid) &&
            // Collector sources are named in the configuration (e.g. "virtual-league").
            !id.route.includes('/v1/collector/sources/{id}'),
        );
        expect(untyped).toEqual([]);
      });

      it('documents the success status each route really answers with', () => {
        // Nest answers POST with 201 and the rest with 200 unless @HttpCode says otherwise.
        const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head'];
        const mismatches: string[] = [];
        let checked = 0;
        for (const module of testApp.app.get(ModulesContainer).values()) {
          for (const wrapper of module.controllers.values()) {
            const prototype = (wrapper.metatype as { prototype?: object } | null)?.prototype;
            if (!prototype) continue;
            for (const name of Object.getOwnPropertyNames(prototype)) {
              const handler = (prototype as Record<string, unknown>)[name];
              if (typeof handler !== 'function' || name === 'constructor') continue;
              const method = Reflect.getMetadata('method', handler) as number | undefined;
              if (method === undefined) continue;
              const responses = Reflect.getMetadata('swagger/apiResponse', handler) as
                Record<string, unknown> | undefined;
              const declared = Object.keys(responses ?? {}).filter((code) => /^[23]/.test(code));
              const actual =
                (Reflect.getMetadata('__httpCode__', handler) as number | undefined) ??
                (METHODS[method] === 'post' ? 201 : 200);
              checked++;
              if (declared.length > 0 && !declared.includes(String(actual))) {
                mismatches.push(
                  `${wrapper.name}.${name}: answers ${actual}, documents ${declared}`,
                );
              }
            }
          }
        }
        expect(checked).toBeGreaterThan(50);
        expect(mismatches).toEqual([]);
      });

      it("documents the prediction's response headers", () => {
        const ok = document.paths['/v1/matches/{id}/prediction'].get.responses?.['200'];
        expect(Object.keys(ok?.headers ?? {}).sort()).toEqual([
          'ETag',
          'X-Cache',
          'X-Model-Variant',
          'X-Model-Version',
          'X-Prediction-Frozen',
          'X-Prediction-Made-After-Kickoff',
        ]);
      });

      it('documents the promotion body as optional (its fields all have defaults)', () => {
        const promote = document.paths['/v1/models/{id}/promote'].post;
        expect(promote.requestBody).toMatchObject({ required: false });
      });

      it('documents the 503 of the readiness check as the problem+json it sends', () => {
        const ready = document.paths['/health/ready'].get;
        expect(Object.keys(ready.responses?.['503']?.content ?? {})).toEqual([
          'application/problem+json',
        ]);
      });
    });
  });
});
