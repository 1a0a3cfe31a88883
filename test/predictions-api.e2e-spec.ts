import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { MatchRecord } from '../src/matches/ingestion/match-record';
import type { Markets } from '../src/modelling';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train } from './support/training';

/**
 * Predictions on a generated league (no real data needed): the sticky A/B split with both sides
 * frozen, batches, hypothetical fixtures, cache invalidation when a match's data changes, and
 * the automatic promotion of a challenger that beats the champion on the same scored matches.
 */

const COMPETITION = 'generated/premier-division';
const DAY = 86_400_000;

/**
 * At a neutral venue the listing order means nothing: B-A is A-B seen from the other side
 * (served numbers are rounded to 6 decimals).
 */
function expectMirrored(neutral: { markets: Markets }, reversed: { markets: Markets }): void {
  const [m, r] = [neutral.markets, reversed.markets];
  const same = (x: number, y: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(2e-6);
  same(m.matchResult.home, r.matchResult.away);
  same(m.matchResult.draw, r.matchResult.draw);
  same(m.matchResult.away, r.matchResult.home);
  same(m.expectedGoals.home, r.expectedGoals.away);
  same(m.expectedGoals.away, r.expectedGoals.home);
  same(m.bothTeamsToScore.yes, r.bothTeamsToScore.yes);
  m.overUnder.forEach((o, i) => same(o.over, r.overUnder[i].over));
  // The ten likeliest scores, transposed (a tie at tenth place may list another score).
  let transposed = 0;
  for (const s of m.correctScore) {
    const mirrored = r.correctScore.find((t) => t.home === s.away && t.away === s.home);
    if (!mirrored) continue;
    same(s.probability, mirrored.probability);
    transposed++;
  }
  expect(transposed).toBeGreaterThanOrEqual(m.correctScore.length - 1);
}

describe('predictions API (e2e)', () => {
  let testApp: TestApp;
  let ingestion: IngestionService;
  const now = new Date();
  const league = generatedLeague(now);
  const inject: Inject = (options) => testApp.asAdmin(options);
  let champion: string;
  let challenger: string;
  let fixtureIds: number[];

  beforeAll(async () => {
    testApp = await startTestApp({
      AB_CHALLENGER_SHARE: '0.5',
      AUTO_PROMOTE: 'true',
      AUTO_PROMOTE_MIN_MATCHES: '30',
      AUTO_PROMOTE_MARGIN: '0',
    });
    ingestion = testApp.app.get(IngestionService);
    await ingestion.importParsed(league);
    // A deliberately weak champion (team strengths flattened) and a sound challenger.
    const weak = await train(inject, {
      modelType: 'dixon-coles',
      competitions: [COMPETITION],
      hyperparameters: { dixonColes: { ridge: 100 } },
      evaluationWeeks: 8,
    });
    const sound = await train(inject, {
      modelType: 'dixon-coles',
      competitions: [COMPETITION],
      evaluationWeeks: 8,
    });
    champion = weak.modelVersionId!;
    challenger = sound.modelVersionId!;
    const promoted = await inject({
      method: 'POST',
      url: `/v1/models/${challenger}/promote`,
      payload: { alias: 'challenger' },
    });
    expect(promoted.json().aliases).toEqual(['challenger']);
    const rows = await query<{ id: number }>(
      testApp.databaseUrl,
      `select id from matches where status = 'scheduled' order by kickoff, id`,
    );
    fixtureIds = rows.map((r) => r.id);
    expect(fixtureIds.length).toBeGreaterThan(40);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('splits callers between champion and challenger, sticky per caller, and freezes both', async () => {
    const [fixture] = fixtureIds;
    // Forty programmatic clients, each with its own API key.
    const variants = new Map<string, string>();
    for (let i = 1; i <= 40; i++) {
      const created = await inject({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: `client ${i}`, scopes: ['read'] },
      });
      expect(created.statusCode).toBe(201);
      const headers = { 'x-api-key': created.json().key };
      const url = `/v1/matches/${fixture}/prediction`;
      const first = await testApp.app.inject({ url, headers });
      const again = await testApp.app.inject({ url, headers });
      expect(first.statusCode).toBe(200);
      expect(again.headers['x-model-variant']).toBe(first.headers['x-model-variant']);
      expect(again.headers['x-model-version']).toBe(first.headers['x-model-version']);
      variants.set(created.json().id, String(first.headers['x-model-variant']));
    }
    const challengers = [...variants.values()].filter((v) => v === 'challenger').length;
    expect(challengers).toBeGreaterThan(5);
    expect(challengers).toBeLessThan(35);
    const frozen = await query<{ model_version_id: string }>(
      testApp.databaseUrl,
      'select model_version_id from ledger_entries where match_id = $1 order by model_version_id',
      [fixture],
    );
    expect(frozen.map((f) => f.model_version_id)).toEqual([champion, challenger].sort());
  });

  it('serves a batch of upcoming fixtures, soonest first, with paging headers', async () => {
    const response = await inject({
      url: `/v1/predictions?competition=${encodeURIComponent(COMPETITION)}&pageSize=60`,
    });
    expect(response.statusCode).toBe(200);
    const items =
      response.json<Array<{ matchId: number; prediction: { match: { kickoff: string } } }>>();
    expect(items.map((i) => i.matchId)).toEqual(fixtureIds.slice(0, 60));
    expect(Number(response.headers['x-total-count'])).toBe(fixtureIds.length);
    expect(response.headers.link).toContain('rel="next"');
    const kickoffs = items.map((i) => Date.parse(i.prediction.match.kickoff));
    expect([...kickoffs].sort((a, b) => a - b)).toEqual(kickoffs);
    // Each item is the prediction the match's own route serves (the same cached document).
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    // Per caller, like each prediction in it.
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.headers.vary).toBe('authorization, x-api-key');
    const single = await inject({ url: `/v1/matches/${items[0].matchId}/prediction` });
    expect(single.headers['x-cache']).toBe('hit');
    expect(items[0].prediction).toEqual(single.json());
  });

  it('takes the competition by id too, and names one that does not exist', async () => {
    const [{ id }] = await query<{ id: number }>(
      testApp.databaseUrl,
      'select id from competitions where code = $1',
      [COMPETITION],
    );
    const byId = await inject({ url: `/v1/predictions?competition=${id}&pageSize=5` });
    expect(byId.statusCode).toBe(200);
    expect(byId.json().map((i: { matchId: number }) => i.matchId)).toEqual(fixtureIds.slice(0, 5));
    const unknown = await inject({ url: '/v1/predictions?competition=nowhere%2Fnone' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      expect.objectContaining({
        field: 'competition',
        reason: expect.stringContaining('nowhere/none'),
      }),
    ]);
  });

  it('keeps the true total past the last page, with no items and links back to the last page', async () => {
    const pageSize = 60;
    const lastPage = Math.ceil(fixtureIds.length / pageSize);
    const response = await inject({
      url: `/v1/predictions?competition=${encodeURIComponent(COMPETITION)}&pageSize=${pageSize}&page=${lastPage + 2}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
    expect(response.headers['x-total-count']).toBe(String(fixtureIds.length));
    const links = Object.fromEntries(
      [...String(response.headers.link).matchAll(/<([^>]+)>; rel="(\w+)"/g)].map(([, url, rel]) => [
        rel,
        new URL(url, 'http://localhost').searchParams.get('page'),
      ]),
    );
    expect(links).toEqual({ first: '1', prev: String(lastPage), last: String(lastPage) });
  });

  it('predicts hypothetical fixtures, at a neutral venue too, and refuses bad ones', async () => {
    const teams = await query<{ id: number }>(
      testApp.databaseUrl,
      'select id from teams order by id limit 2',
    );
    const [home, away] = teams.map((t) => t.id);
    const response = await inject({
      method: 'POST',
      url: '/v1/predictions/simulate',
      payload: {
        fixtures: [
          { homeTeamId: home, awayTeamId: away },
          { homeTeamId: home, awayTeamId: away, neutral: true },
          { homeTeamId: away, awayTeamId: home, neutral: true },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    const [atHome, neutral, reversed] = response.json();
    expect(neutral.explanation.homeAdvantage).toMatchObject({ neutralVenue: true, goalsFactor: 1 });
    expect(atHome.markets.matchResult.home).toBeGreaterThan(neutral.markets.matchResult.home);
    expectMirrored(neutral, reversed);
    // Elo's 1X2 comes from an ordered logit fitted on home-listed matches, its score matrix from
    // average goals: both must be symmetric at a neutral venue too.
    const elo = await train(inject, {
      modelType: 'elo',
      competitions: [COMPETITION],
      evaluationWeeks: 4,
    });
    const byElo = await inject({
      method: 'POST',
      url: '/v1/predictions/simulate',
      payload: {
        model: elo.modelVersionId,
        fixtures: [
          { homeTeamId: home, awayTeamId: away, neutral: true },
          { homeTeamId: away, awayTeamId: home, neutral: true },
        ],
      },
    });
    expect(byElo.statusCode).toBe(200);
    const [eloNeutral, eloReversed] = byElo.json();
    expect(eloNeutral.model.type).toBe('elo');
    expectMirrored(eloNeutral, eloReversed);
    expect(atHome.warnings).toEqual([]);
    const [{ count }] = await query<{ count: string }>(
      testApp.databaseUrl,
      'select count(*) from ledger_entries where match_id = 0',
    );
    expect(count).toBe('0');

    const bad = [
      [{ fixtures: [{ homeTeamId: home, awayTeamId: home }] }, 400],
      [{ fixtures: [{ homeTeamId: home, awayTeamId: 999999 }] }, 404],
      [{ fixtures: [] }, 400],
      [
        { fixtures: Array.from({ length: 51 }, () => ({ homeTeamId: home, awayTeamId: away })) },
        400,
      ],
      [{ fixtures: [{ homeTeamId: 'x', awayTeamId: away }] }, 400],
    ] as const;
    for (const [payload, status] of bad) {
      const refused = await inject({ method: 'POST', url: '/v1/predictions/simulate', payload });
      expect({ payload, status: refused.statusCode }).toEqual({ payload, status });
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
    }
    // A competition that does not exist is named as such (was a 404 no-model).
    const nowhere = await inject({
      method: 'POST',
      url: '/v1/predictions/simulate',
      payload: {
        fixtures: [
          { homeTeamId: home, awayTeamId: away },
          { homeTeamId: home, awayTeamId: away, competition: 'nowhere/none' },
        ],
      },
    });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json().errors).toEqual([
      expect.objectContaining({
        field: 'fixtures.1.competition',
        reason: expect.stringContaining('no competition "nowhere/none"'),
      }),
    ]);
  });

  it('answers 404 for an unknown match and 400 for a malformed id or model', async () => {
    expect((await inject({ url: '/v1/matches/99999999/prediction' })).statusCode).toBe(404);
    expect((await inject({ url: '/v1/matches/abc/prediction' })).statusCode).toBe(400);
    expect(
      (await inject({ url: `/v1/matches/${fixtureIds[0]}/prediction?model=nope` })).statusCode,
    ).toBe(400);
  });

  it("drops a cached prediction when the match's data changes", async () => {
    const fixture = fixtureIds[1];
    const url = `/v1/matches/${fixture}/prediction`;
    await inject({ url });
    expect((await inject({ url })).headers['x-cache']).toBe('hit');

    const [{ source_key }] = await query<{ source_key: string }>(
      testApp.databaseUrl,
      'select source_key from matches where id = $1',
      [fixture],
    );
    const record = league.records.find((r) => r.sourceKey === source_key) as MatchRecord;
    const moved: MatchRecord = {
      ...record,
      odds: record.odds.map((o) =>
        o.market === '1x2' ? { ...o, prices: { home: 1.5, draw: 4.5, away: 7.0 } } : o,
      ),
    };
    await ingestion.importParsed({ ...league, records: [moved], rowsRead: 1 });
    const after = await inject({ url });
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.json().odds[0].outcomes.home.price).toBe(1.5);
  });

  it('promotes the challenger automatically once it beats the champion on the same scored matches', async () => {
    await inject({
      url: `/v1/predictions?competition=${encodeURIComponent(COMPETITION)}&pageSize=100`,
    });
    // Time passes: the same league, later, has the results of those fixtures.
    await ingestion.importParsed(generatedLeague(new Date(now.getTime() + 200 * DAY)));
    let aliases: Array<{ scope: string; champion: string | null }> = [];
    for (let i = 0; i < 100; i++) {
      aliases = (await inject({ url: '/v1/models/aliases' })).json();
      if (aliases[0]?.champion === challenger) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(aliases).toEqual([{ scope: COMPETITION, champion: challenger, challenger: null }]);
    const history = (
      await inject({ url: `/v1/models/aliases/${encodeURIComponent(COMPETITION)}/history` })
    ).json();
    expect(history[0]).toMatchObject({
      action: 'auto-promote',
      versionId: challenger,
      reason: expect.stringMatching(/on the same \d+ matches/),
    });
  });

  it('exposes predictions served, cache hits and the champion in /metrics and readiness', async () => {
    const metrics = (await testApp.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      new RegExp(
        `oracxpred_predictions_served_total\\{model="dixon-coles",model_version="${challenger}"\\} [1-9]`,
      ),
    );
    expect(metrics).toMatch(
      /oracxpred_cache_requests_total\{cache="predictions",result="hit"\} [1-9]/,
    );
    expect(metrics).toMatch(
      new RegExp(
        `oracxpred_champion_backtest_rps\\{scope="${COMPETITION}",model_version="${challenger}"\\} 0\\.`,
      ),
    );
    expect(metrics).toMatch(
      new RegExp(
        `oracxpred_champion_rolling_rps\\{scope="${COMPETITION}",model_version="${challenger}"\\} 0\\.`,
      ),
    );
    const health = (await inject({ url: '/health' })).json();
    expect(JSON.stringify(health)).toContain(challenger);
  });

  it('recomputes (no-cache) from the data as it is now, not from inputs kept earlier', async () => {
    // The last fixture: one no other test plays or re-prices.
    const fixture = fixtureIds[fixtureIds.length - 1];
    const url = `/v1/matches/${fixture}/prediction`;
    const noCache = { 'cache-control': 'no-cache' };
    expect((await inject({ url, headers: noCache })).headers['x-cache']).toBe('bypass');
    const [{ source_key }] = await query<{ source_key: string }>(
      testApp.databaseUrl,
      'select source_key from matches where id = $1',
      [fixture],
    );
    const record = league.records.find((r) => r.sourceKey === source_key) as MatchRecord;
    await ingestion.importParsed({
      ...league,
      records: [
        {
          ...record,
          // New opening and closing prices: the document shows the latest phase.
          odds: [
            ...record.odds.filter((o) => o.market !== '1x2'),
            ...(['opening', 'closing'] as const).map((phase) => ({
              market: '1x2' as const,
              phase,
              bookmaker: 'generated-bookmaker',
              prices: { home: 6.5, draw: 4.2, away: 1.55 },
            })),
          ],
        },
      ],
      rowsRead: 1,
    });
    const after = await inject({ url, headers: noCache });
    const shown = after
      .json<{ odds: Array<{ market: string; outcomes: { away: { price: number } } }> }>()
      .odds.filter((o) => o.market === '1x2');
    expect(shown.map((o) => o.outcomes.away.price)).toEqual([1.55]);
  });

  it('serves a merged team under the team it was merged into (cached predictions dropped)', async () => {
    const fixture = fixtureIds[fixtureIds.length - 2];
    const url = `/v1/matches/${fixture}/prediction`;
    await inject({ url });
    const before = await inject({ url });
    expect(before.headers['x-cache']).toBe('hit');
    const awayId = before.json().explanation.away.id as number;
    // A team the away side never met: merging two teams that played each other is refused.
    const [{ id: intoTeamId }] = await query<{ id: number }>(
      testApp.databaseUrl,
      `insert into teams (name, created_at) values ('Merge Target FC', now()) returning id`,
    );
    const merged = await inject({
      method: 'POST',
      url: `/v1/teams/${awayId}/merge`,
      payload: { intoTeamId },
    });
    expect(merged.statusCode).toBe(200);
    const after = await inject({ url });
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.json().explanation.away.id).toBe(intoTeamId);
  });
});
