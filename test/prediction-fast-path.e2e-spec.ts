import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { CachedPredictionFastPath } from '../src/predictions/cached-prediction-fast-path';
import { createAccount, expectProblem, PASSWORD } from './support/auth';
import { query } from './support/databases';
import { listenForHttp } from './support/http-inject';
import { startTestApp, type Inject, type TestApp } from './support/test-app';
import { train } from './support/training';

/**
 * Cache hits of GET /v1/matches/{id}/prediction are answered by the pre-router, before Fastify's
 * routing and Nest's pipeline. It must be invisible to callers: the same body and headers, each
 * request counted once against its rate limit, and every refusal still decided (and worded) by
 * the guards. Requests go over real HTTP (app.inject would skip the pre-router).
 */

const COMPETITION = 'generated/premier-division';

describe('cached prediction fast path (e2e)', () => {
  let testApp: TestApp;
  let asUser: Inject;
  /** Real HTTP requests, no credentials unless given. */
  let overHttp: Inject;
  let fixtureIds: number[];
  let versionId: string;
  const url = (id: number) => `/v1/matches/${id}/prediction`;

  let serveHit: jest.SpyInstance<Promise<boolean>>;
  /** Whether each call of serveHit since the n-th answered the request itself. */
  const answeredSince = (n: number) =>
    Promise.all(serveHit.mock.results.slice(n).map((r) => r.value as Promise<boolean>));

  beforeAll(async () => {
    testApp = await startTestApp({
      // New API keys get 4 requests per hour: enough to see the count, the limit and the 429.
      API_KEY_PLANS: 'free:4,pro:1000000',
      API_KEY_DEFAULT_PLAN: 'free',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
    });
    await testApp.app.get(IngestionService).importParsed(generatedLeague(new Date()));
    versionId = (
      await train(testApp.asAdmin, {
        modelType: 'dixon-coles',
        competitions: [COMPETITION],
        evaluationWeeks: 4,
      })
    ).modelVersionId!;
    const rows = await query<{ id: number }>(
      testApp.databaseUrl,
      `select id from matches where status = 'scheduled' order by kickoff, id limit 5`,
    );
    fixtureIds = rows.map((r) => r.id);
    await createAccount(testApp, 'uma@example.org', 'user');
    overHttp = await listenForHttp(testApp.app);
    const token = (await testApp.login('uma@example.org', PASSWORD)).accessToken;
    asUser = (request) =>
      overHttp({ ...request, headers: { authorization: `Bearer ${token}`, ...request.headers } });
    // Observed, not replaced: the real pre-router calls the real method.
    serveHit = jest.spyOn(testApp.app.get(CachedPredictionFastPath), 'serveHit');
  });

  afterAll(() => testApp?.close());

  it('answers a hit itself, with the body and headers the controller gave the miss', async () => {
    const calls = serveHit.mock.calls.length;
    const miss = await asUser({ url: url(fixtureIds[0]) });
    const hit = await asUser({ url: url(fixtureIds[0]) });
    expect(await answeredSince(calls)).toEqual([false, true]);

    expect(miss.statusCode).toBe(200);
    expect(hit.statusCode).toBe(200);
    expect(miss.headers['x-cache']).toBe('miss');
    expect(hit.headers['x-cache']).toBe('hit');
    expect(hit.body).toBe(miss.body);
    const sameHeaders = [
      'content-type',
      'etag',
      'x-model-version',
      'x-model-variant',
      'x-ratelimit-limit',
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
    ];
    for (const name of sameHeaders)
      expect([name, hit.headers[name]]).not.toEqual([name, undefined]);
    for (const name of sameHeaders)
      expect([name, hit.headers[name]]).toEqual([name, miss.headers[name]]);
    expect(hit.headers['x-model-version']).toBe(versionId);
    // Per caller (the A/B split) and behind credentials: no shared cache may reuse it.
    for (const response of [miss, hit]) {
      expect(response.headers['cache-control']).toBe('private, no-cache');
      expect(response.headers.vary).toBe('authorization, x-api-key');
    }
    expect(Number(hit.headers['x-ratelimit-remaining'])).toBe(
      Number(miss.headers['x-ratelimit-remaining']) - 1,
    );
    expect(hit.headers['x-request-id']).toEqual(expect.any(String));
    expect(hit.headers['x-request-id']).not.toBe(miss.headers['x-request-id']);
  });

  it('answers 304 with no body to a caller holding the current ETag, on the fast path and the controller', async () => {
    const id = fixtureIds[4];
    const first = await asUser({ url: url(id) });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);
    const calls = serveHit.mock.calls.length;
    const conditional = (headers: Record<string, string>, path = url(id)) =>
      asUser({ url: path, headers });
    const variants = [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", ${etag}` },
      // Weak comparison: the same tag without its W/ matches too.
      { 'if-none-match': etag.slice(2) },
      { 'if-none-match': '*' },
    ];
    for (const headers of variants) {
      const response = await conditional(headers);
      expect([headers, response.statusCode, response.body]).toEqual([headers, 304, '']);
      expect(response.headers.etag).toBe(etag);
      expect(response.headers['content-length']).toBeUndefined();
    }
    // The controller's answer to the same condition (?model= never reaches the fast path).
    const viaController = await conditional(
      { 'if-none-match': etag },
      `${url(id)}?model=${versionId}`,
    );
    expect([viaController.statusCode, viaController.body]).toEqual([304, '']);
    expect(await answeredSince(calls)).toEqual([true, true, true, true]);
    // A tag that is not current gets the prediction.
    const stale = await conditional({ 'if-none-match': '"not-the-current-one-00"' });
    expect([stale.statusCode, stale.headers.etag, stale.body]).toEqual([200, etag, first.body]);
    // A recomputation that predicts the same (only its computedAt differs) keeps the tag.
    const recomputed = await conditional({ 'if-none-match': etag, 'cache-control': 'no-cache' });
    expect([recomputed.statusCode, recomputed.headers['x-cache']]).toEqual([304, 'bypass']);
    expect(recomputed.headers.etag).toBe(etag);
    const renewed = await asUser({ url: url(id) });
    expect([renewed.statusCode, renewed.headers['x-cache'], renewed.headers.etag]).toEqual([
      200,
      'hit',
      etag,
    ]);
    const computedAt = (body: string) => (JSON.parse(body) as { computedAt: string }).computedAt;
    expect(computedAt(renewed.body)).not.toBe(computedAt(first.body));
  });

  it('sends ASCII JSON: non-ASCII text escaped, the same value once parsed', async () => {
    // A team with an accented name (set before its fixture's inputs are first read).
    const [{ name }] = await query<{ name: string }>(
      testApp.databaseUrl,
      `update teams set name = 'Atlético ' || name
        where id = (select home_team_id from matches where id = $1) returning name`,
      [fixtureIds[3]],
    );
    for (const cache of ['miss', 'hit']) {
      const response = await asUser({ url: url(fixtureIds[3]) });
      expect(response.headers['x-cache']).toBe(cache);
      expect(/^[\x20-\x7e]*$/.test(response.body)).toBe(true);
      expect(response.body).toContain('Atl\\u00e9tico');
      const prediction = response.json<{ match: { homeTeam: { name: string } } }>();
      expect(prediction.match.homeTeam.name).toBe(name);
    }
  });

  it('counts every request once against the caller, hit or not, and the guard answers the 429', async () => {
    const created = await testApp.asAdmin({
      method: 'POST',
      url: '/v1/me/api-keys',
      payload: { name: 'tiny plan', scopes: ['read'] },
    });
    expect(created.json()).toMatchObject({ plan: 'free' });
    const withKey: Inject = (request) =>
      overHttp({ ...request, headers: { 'x-api-key': created.json().key } });
    const seen = [];
    for (const id of [fixtureIds[1], fixtureIds[1], fixtureIds[1], fixtureIds[0]]) {
      const response = await withKey({ url: url(id) });
      expect(response.statusCode).toBe(200);
      seen.push([response.headers['x-cache'], response.headers['x-ratelimit-remaining']]);
    }
    expect(seen).toEqual([
      ['miss', '3'],
      ['hit', '2'],
      ['hit', '1'],
      ['hit', '0'],
    ]);
    const refused = await withKey({ url: url(fixtureIds[0]) });
    const problem = expectProblem(refused, 429);
    expect(problem.type).toMatch(/rate-limited$/);
    expect(refused.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('leaves refusals and everything but a plain hit to the controller and its guards', async () => {
    const id = fixtureIds[0];
    const calls = serveHit.mock.calls.length;
    expectProblem(await overHttp({ url: url(id) }), 401);
    const badToken = await overHttp({
      url: url(id),
      headers: { authorization: 'Bearer a.b.c' },
    });
    expect(expectProblem(badToken, 401).detail).toMatch(/invalid or expired/);
    const predictOnly = await testApp.asAdmin({
      method: 'POST',
      url: '/v1/me/api-keys',
      payload: { name: 'no read scope', scopes: ['predict'] },
    });
    const noScope = await overHttp({
      url: url(id),
      headers: { 'x-api-key': predictOnly.json().key },
    });
    expect(expectProblem(noScope, 403).detail).toMatch(/"read" scope/);
    expectProblem(await asUser({ url: '/v1/matches/999999999/prediction' }), 404);
    expectProblem(await asUser({ url: '/v1/matches/0/prediction' }), 400);
    expectProblem(await asUser({ url: '/v1/matches/abc/prediction' }), 400);

    const requested = await asUser({ url: `${url(id)}?model=${versionId}` });
    expect(requested.headers['x-model-variant']).toBe('requested');
    const bypass = await asUser({ url: url(id), headers: { 'cache-control': 'no-cache' } });
    expect(bypass.headers['x-cache']).toBe('bypass');
    const hit = await asUser({ url: url(id) });
    expect(hit.headers['x-cache']).toBe('hit');
    // Only the plain hit was answered early; every other request went on to the controller (the
    // pre-router declined the refused, the unknown match and no-cache; bad ids and ?model=
    // never reached it).
    expect(await answeredSince(calls)).toEqual([...Array<boolean>(5).fill(false), true]);
  });

  it('counts a hit or a miss once per request in the cache statistics', async () => {
    const stats = async () =>
      (await testApp.asAdmin({ url: '/v1/predictions/cache' })).json<{
        hits: number;
        misses: number;
      }>();
    const before = await stats();
    await asUser({ url: url(fixtureIds[2]) });
    await asUser({ url: url(fixtureIds[2]) });
    await asUser({ url: url(fixtureIds[2]) });
    await asUser({ url: url(fixtureIds[2]), headers: { 'cache-control': 'no-cache' } });
    const after = await stats();
    expect({ hits: after.hits - before.hits, misses: after.misses - before.misses }).toEqual({
      hits: 2,
      misses: 1,
    });
  });

  it('counts the hits it answers in the request metrics, under the route template', async () => {
    const answered = async () => {
      const text = (await testApp.app.inject({ url: '/metrics' })).body;
      const series = text
        .split('\n')
        .find(
          (line) =>
            line.startsWith('oracxpred_http_requests_total{') &&
            line.includes('route="/v1/matches/:id/prediction"') &&
            line.includes('status_code="200"'),
        );
      return Number(series?.split(' ').pop() ?? 0);
    };
    await asUser({ url: url(fixtureIds[1]) });
    const calls = serveHit.mock.calls.length;
    const before = await answered();
    await asUser({ url: url(fixtureIds[1]) });
    await asUser({ url: url(fixtureIds[1]) });
    expect(await answeredSince(calls)).toEqual([true, true]);
    expect((await answered()) - before).toBe(2);
  });
});
