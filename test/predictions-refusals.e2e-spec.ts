import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train } from './support/training';

/**
 * Refusals of the predictions API as a client mapping errors back to its form meets them: every
 * refusal is problem+json naming the field (in a simulation `fixtures.<index>.<field>`, the path
 * the validation pipe uses for the body's other fields) and why.
 */

const COMPETITION = 'generated/premier-division';
const OTHER_COMPETITION = 'generated/other-division';

describe('predictions refusals (e2e)', () => {
  let testApp: TestApp;
  const inject: Inject = (options) => testApp.asAdmin(options);
  let champion: string;
  let home: number;
  let away: number;

  beforeAll(async () => {
    testApp = await startTestApp();
    const league = generatedLeague(new Date());
    const ingestion = testApp.app.get(IngestionService);
    await ingestion.importParsed(league);
    // A second competition, which the champion trained below does not cover.
    await ingestion.importParsed({
      ...league,
      records: league.records.slice(0, 10).map((r) => ({
        ...r,
        sourceKey: `other:${r.sourceKey}`,
        competition: { ...r.competition, code: OTHER_COMPETITION, name: 'Other' },
        homeTeam: `Other ${r.homeTeam}`,
        awayTeam: `Other ${r.awayTeam}`,
      })),
      rowsRead: 10,
    });
    const trained = await train(inject, {
      modelType: 'dixon-coles',
      competitions: [COMPETITION],
      evaluationWeeks: 8,
    });
    champion = trained.modelVersionId!;
    // The first version trained for a scope becomes its champion.
    const aliases = await inject({ url: `/v1/models/${champion}` });
    expect(aliases.json().aliases).toContain('champion');
    [home, away] = (
      await query<{ id: number }>(testApp.databaseUrl, 'select id from teams order by id limit 2')
    ).map((t) => t.id);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const simulate = (payload: object) =>
    inject({ method: 'POST', url: '/v1/predictions/simulate', payload });

  it('names the fixture field of a refusal the service makes, as the validation pipe does', async () => {
    const cases = [
      // The second fixture, so the index is checked too.
      [
        {
          fixtures: [
            { homeTeamId: home, awayTeamId: away },
            { homeTeamId: home, awayTeamId: home },
          ],
        },
        400,
        'fixtures.1.awayTeamId',
      ],
      [{ fixtures: [{ homeTeamId: 999999, awayTeamId: away }] }, 404, 'fixtures.0.homeTeamId'],
      [{ fixtures: [{ homeTeamId: home, awayTeamId: 999999 }] }, 404, 'fixtures.0.awayTeamId'],
      // A competition that does not exist.
      [
        { fixtures: [{ homeTeamId: home, awayTeamId: away, competition: 'nowhere/nothing' }] },
        400,
        'fixtures.0.competition',
      ],
      // One that exists, but no model covers (404 no-model), or not the one asked for (422).
      [
        { fixtures: [{ homeTeamId: home, awayTeamId: away, competition: OTHER_COMPETITION }] },
        404,
        'fixtures.0.competition',
      ],
      [
        {
          model: champion,
          fixtures: [{ homeTeamId: home, awayTeamId: away, competition: OTHER_COMPETITION }],
        },
        422,
        'fixtures.0.competition',
      ],
      // The validation pipe's own path, for comparison.
      [{ fixtures: [{ homeTeamId: 'x', awayTeamId: away }] }, 400, 'fixtures.0.homeTeamId'],
    ] as const;
    for (const [payload, status, field] of cases) {
      const refused = await simulate(payload);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      const problem = refused.json<{ errors?: Array<{ field: string; reason: string }> }>();
      expect({
        payload,
        status: refused.statusCode,
        fields: problem.errors?.map((e) => e.field),
      }).toEqual({ payload, status, fields: expect.arrayContaining([field]) });
      expect(problem.errors?.every((e) => e.reason.length > 0)).toBe(true);
    }
  });

  it('says fixtures must be an array when it is not one', async () => {
    for (const fixtures of [{ homeTeamId: home, awayTeamId: away }, 'x', 3]) {
      const refused = await simulate({ fixtures });
      expect(refused.statusCode).toBe(400);
      const { errors } = refused.json<{ errors: Array<{ field: string; reason: string }> }>();
      expect(errors).toContainEqual({ field: 'fixtures', reason: 'fixtures must be an array' });
    }
  });

  it('refuses a GET /v1/predictions window that ends before its default start (now)', async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    for (const to of ['2026-01-01', past]) {
      const refused = await inject({ url: `/v1/predictions?to=${encodeURIComponent(to)}` });
      expect({ to, status: refused.statusCode }).toEqual({ to, status: 400 });
      expect(refused.json().errors).toEqual([
        { field: 'to', reason: 'to must be after from (default: now)' },
      ]);
    }
    // With its own start, a past window is valid (and may hold stale-scheduled fixtures).
    const given = await inject({ url: '/v1/predictions?from=2025-12-01&to=2026-01-01' });
    expect(given.statusCode).toBe(200);
    const ahead = await inject({ url: '/v1/predictions?to=9999-01-01&pageSize=1' });
    expect(ahead.statusCode).toBe(200);
    expect(Number(ahead.headers['x-total-count'])).toBeGreaterThan(0);
  });

  it('refuses an empty or repeated competition filter on every list that has one', async () => {
    const cases: Array<[string, string]> = [
      ['competition=', 'competition must not be empty'],
      ['competition=%20%20', 'competition must not be empty'],
      [
        `competition=${encodeURIComponent(COMPETITION)}&competition=other%2Fleague`,
        'competition may be given once',
      ],
    ];
    for (const route of ['/v1/predictions', '/v1/performance', '/v1/matches']) {
      for (const [params, reason] of cases) {
        const refused = await inject({ url: `${route}?${params}` });
        expect({
          route,
          params,
          status: refused.statusCode,
          type: refused.headers['content-type'],
        }).toEqual({ route, params, status: 400, type: expect.stringMatching(/problem\+json/) });
        expect(refused.json().errors).toEqual([{ field: 'competition', reason }]);
      }
      const filtered = await inject({
        url: `${route}?competition=${encodeURIComponent(COMPETITION)}`,
      });
      expect({ route, status: filtered.statusCode }).toEqual({ route, status: 200 });
    }
  });

  it("names 'model' when the model version asked for does not exist", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const [{ id: fixture }] = await query<{ id: number }>(
      testApp.databaseUrl,
      `select id from matches where status = 'scheduled' order by kickoff, id limit 1`,
    );
    const refusals = [
      await inject({ url: `/v1/matches/${fixture}/prediction?model=${unknown}` }),
      await simulate({ model: unknown, fixtures: [{ homeTeamId: home, awayTeamId: away }] }),
    ];
    for (const refused of refusals) {
      expect(refused.statusCode).toBe(404);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect(refused.json().errors).toEqual([
        { field: 'model', reason: 'no model version has this id' },
      ]);
    }
  });

  it("names 'model' when the version asked for was not trained on the match's competition", async () => {
    const [{ id: fixture }] = await query<{ id: number }>(
      testApp.databaseUrl,
      `select m.id from matches m join competitions c on c.id = m.competition_id
       where c.code = $1 order by m.kickoff, m.id limit 1`,
      [OTHER_COMPETITION],
    );
    const refused = await inject({ url: `/v1/matches/${fixture}/prediction?model=${champion}` });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.json().errors).toEqual([
      { field: 'model', reason: `not trained on ${OTHER_COMPETITION}` },
    ]);
  });
});
