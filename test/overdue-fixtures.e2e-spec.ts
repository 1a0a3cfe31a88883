import { DomainEvents } from '../src/common/events/domain-events';
import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { MatchRecord } from '../src/matches/ingestion/match-record';
import { METRICS } from '../src/infrastructure/metrics/metric-catalogue';
import { EvaluationService } from '../src/predictions/evaluation/evaluation.service';
import { PredictionCache } from '../src/predictions/prediction-cache';
import { createAccount, expectProblem, PASSWORD } from './support/auth';
import { query } from './support/databases';
import { parseSamples, valueOf } from './support/prometheus-text';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train } from './support/training';

/**
 * Overdue fixtures and phantom clean-up on real PostgreSQL: the list (with and without a played
 * twin, the grace period's boundary, pagination, filters), the gauge on /metrics, and cancelling
 * (played refused, idempotent, audited, ledger entries void, cached predictions dropped, what a
 * later import of the same listing does), admins only.
 */

const COMPETITION = 'test/overdue-league';
const OTHER_COMPETITION = 'test/overdue-cup';
const SEASON = '2025-2026';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GAUGE = METRICS.overdueFixtures.name;
const CANCEL_ACTION = 'POST /v1/matches/:id/cancel';

describe('overdue fixtures and cancelling phantoms (e2e)', () => {
  let testApp: TestApp;
  let ingestion: IngestionService;
  const inject: Inject = (options) => testApp.asAdmin(options);
  const now = new Date();
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
  let line = 2;

  /** One listing of a match (no league-fixture moves: the rows are stored as they are). */
  const record = (
    home: string,
    away: string,
    kickoff: Date,
    overrides: Partial<MatchRecord> = {},
  ): MatchRecord => ({
    line: line++,
    source: 'overdue-test',
    sourceKey: `${COMPETITION}:${kickoff.toISOString().slice(0, 10)}:${home}:${away}`,
    competition: { code: COMPETITION, name: 'Overdue League', country: null },
    season: SEASON,
    kickoff,
    homeTeam: home,
    awayTeam: away,
    neutral: false,
    status: 'scheduled',
    homeGoals: null,
    awayGoals: null,
    homeGoalsHalfTime: null,
    awayGoalsHalfTime: null,
    odds: [],
    ...overrides,
  });
  const played = (home: string, away: string, kickoff: Date, goals: [number, number]) =>
    record(home, away, kickoff, { status: 'finished', homeGoals: goals[0], awayGoals: goals[1] });

  const importRecords = (records: MatchRecord[]) =>
    ingestion.importParsed({ format: 'test', records, issues: [], rowsRead: records.length });

  /** The stored match of a listing, by its source key. */
  const idOf = async (listing: MatchRecord): Promise<number> => {
    const [row] = await query<{ id: number }>(
      testApp.databaseUrl,
      'select id from matches where source_key = $1',
      [listing.sourceKey],
    );
    if (!row) throw new Error(`no match stored for ${listing.sourceKey}`);
    return row.id;
  };
  const statusOf = async (id: number) =>
    (
      await query<{ status: string; home_goals: number | null; updated_at: Date }>(
        testApp.databaseUrl,
        'select status::text as status, home_goals, updated_at from matches where id = $1',
        [id],
      )
    )[0];

  const overdue = async (search = '') => {
    const response = await inject({ url: `/v1/matches/overdue${search}` });
    expect(response.statusCode).toBe(200);
    return response;
  };
  const overdueIds = async () =>
    (await overdue('?pageSize=200'))
      .json()
      .items.map((item: { id: number }) => item.id) as number[];
  const gauge = async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    const samples = parseSamples(response.body);
    return {
      withTwin: valueOf(samples, GAUGE, { played_twin: 'true' }),
      withoutTwin: valueOf(samples, GAUGE, { played_twin: 'false' }),
    };
  };
  const cancel = (id: number | string, body: unknown = { reason: 'phantom fixture' }) =>
    inject({ method: 'POST', url: `/v1/matches/${id}/cancel`, payload: body as object });

  // The phantom: an old listing of Alpha v Beta, played a week later (its played twin).
  const phantom = record('Alpha', 'Beta', at(-10 * DAY));
  const twin = played('Alpha', 'Beta', at(-3 * DAY), [2, 1]);
  // A late result: no played twin (the reverse fixture and another season's meeting are not).
  const late = record('Gamma', 'Delta', at(-5 * DAY));
  const reverse = played('Delta', 'Gamma', at(-20 * DAY), [0, 0]);
  const lastSeason = {
    ...played('Gamma', 'Delta', at(-400 * DAY), [1, 0]),
    season: '2024-2025',
  };
  const postponed = record('Lambda', 'Mu', at(-7 * DAY), { status: 'postponed' });
  // The grace period's boundary (48 h): 10 minutes on either side.
  const justOverdue = record('Eta', 'Theta', at(-48 * HOUR - 10 * 60_000));
  const notYet = record('Epsilon', 'Zeta', at(-48 * HOUR + 10 * 60_000));
  // Never overdue: played, cancelled, or ahead.
  const cancelledBySource = record('Iota', 'Kappa', at(-9 * DAY), { status: 'cancelled' });
  const ahead = record('Nu', 'Xi', at(3 * DAY));
  // Another competition's overdue fixture, for the filter.
  const cupTie = record('Omicron', 'Pi', at(-6 * DAY), {
    competition: { code: OTHER_COMPETITION, name: 'Overdue Cup', country: null },
    sourceKey: `${OTHER_COMPETITION}:Omicron:Pi`,
  });

  beforeAll(async () => {
    testApp = await startTestApp({ OVERDUE_FIXTURE_HOURS: '48' });
    ingestion = testApp.app.get(IngestionService);
    await importRecords([
      phantom,
      twin,
      late,
      reverse,
      lastSeason,
      postponed,
      justOverdue,
      notYet,
      cancelledBySource,
      ahead,
      cupTie,
    ]);
  });
  afterAll(() => testApp?.close());

  describe('GET /v1/matches/overdue', () => {
    it('lists the fixtures kicked off more than 48 h ago without a result, longest overdue first, with their played twin', async () => {
      const response = await overdue();
      const body = response.json();
      expect(body).toMatchObject({ page: 1, pageSize: 50, total: 5, graceHours: 48 });
      expect(response.headers['x-total-count']).toBe('5');
      const ids = await Promise.all(
        [phantom, postponed, cupTie, late, justOverdue].map((r) => idOf(r)),
      );
      expect(body.items.map((item: { id: number }) => item.id)).toEqual(ids);
      const [first, second, , fourth, fifth] = body.items;
      expect(first).toMatchObject({
        id: ids[0],
        status: 'scheduled',
        homeTeam: { name: 'Alpha' },
        awayTeam: { name: 'Beta' },
        homeGoals: null,
        hoursSinceKickoff: 240,
        playedTwin: {
          id: await idOf(twin),
          status: 'finished',
          kickoff: twin.kickoff.toISOString(),
          homeGoals: 2,
          awayGoals: 1,
          homeTeam: { name: 'Alpha' },
          awayTeam: { name: 'Beta' },
        },
      });
      expect(second).toMatchObject({ status: 'postponed', playedTwin: null });
      // Neither the reverse fixture nor last season's meeting is a twin.
      expect(fourth).toMatchObject({ homeTeam: { name: 'Gamma' }, playedTwin: null });
      expect(fifth).toMatchObject({
        homeTeam: { name: 'Eta' },
        hoursSinceKickoff: 48,
        playedTwin: null,
      });
    });

    it('leaves out a fixture inside the grace period, and played, cancelled and future ones', async () => {
      const ids = await overdueIds();
      for (const listing of [notYet, twin, reverse, lastSeason, cancelledBySource, ahead]) {
        expect(ids).not.toContain(await idOf(listing));
      }
    });

    it('paginates with X-Total-Count and Link, and filters by competition code or id', async () => {
      const page = await overdue('?pageSize=2&page=2');
      expect(page.json()).toMatchObject({ page: 2, pageSize: 2, total: 5 });
      expect(page.json().items).toHaveLength(2);
      expect(page.headers.link).toContain('rel="next"');
      const past = await overdue('?pageSize=2&page=9');
      expect(past.json()).toMatchObject({ items: [], total: 5 });
      const cup = await overdue(`?competition=${encodeURIComponent(OTHER_COMPETITION)}`);
      expect(cup.json().items.map((i: { id: number }) => i.id)).toEqual([await idOf(cupTie)]);
      const cupId = cup.json().items[0].competition.id;
      expect((await overdue(`?competition=${cupId}`)).json().total).toBe(1);
    });

    it('keeps the likely phantoms only (playedTwin=true), or the late results only (false)', async () => {
      const phantoms = (await overdue('?playedTwin=true')).json();
      expect(phantoms).toMatchObject({ total: 1, items: [{ id: await idOf(phantom) }] });
      expect(phantoms.items[0].playedTwin).toMatchObject({ id: await idOf(twin) });
      const late = (await overdue('?playedTwin=false')).json();
      expect(late.total).toBe(4);
      expect(late.items.every((item: { playedTwin: unknown }) => item.playedTwin === null)).toBe(
        true,
      );
      expect((await overdue('?playedTwin=false&pageSize=3&page=5')).json()).toMatchObject({
        items: [],
        total: 4,
      });
    });

    it('answers bad input with 400 problem+json', async () => {
      for (const search of [
        '?pageSize=0',
        '?page=abc',
        '?competition=',
        '?competition=no%2Fsuch',
        '?status=scheduled',
        '?playedTwin=yes',
        '?playedTwin=true&playedTwin=false',
      ]) {
        expectProblem(await inject({ url: `/v1/matches/overdue${search}` }), 400);
      }
    });
  });

  describe('the oracxpred_overdue_fixtures gauge', () => {
    it('counts the overdue fixtures at scrape time, by whether a played twin exists', async () => {
      expect(await gauge()).toEqual({ withTwin: 1, withoutTwin: 4 });
    });
  });

  describe('POST /v1/matches/{id}/cancel', () => {
    it('cancels the phantom: it leaves the overdue list and the gauge, and the call is audited with its reason', async () => {
      const id = await idOf(phantom);
      const response = await cancel(id, { reason: 'phantom: played 7 days later' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id, status: 'cancelled', homeGoals: null });
      // Who, when and why, on the match itself.
      const cancellation = {
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        by: 'admin',
        reason: 'phantom: played 7 days later',
      };
      expect(response.json().cancellation).toEqual(cancellation);
      expect((await inject({ url: `/v1/matches/${id}` })).json().cancellation).toEqual(
        cancellation,
      );
      expect(Date.now() - Date.parse(response.json().cancellation.at)).toBeLessThan(60_000);
      expect((await statusOf(id)).status).toBe('cancelled');
      expect(await overdueIds()).not.toContain(id);
      expect(await gauge()).toEqual({ withTwin: 0, withoutTwin: 4 });
      const audit = await inject({
        url: `/v1/audit?action=${encodeURIComponent(CANCEL_ACTION)}&pageSize=200`,
      });
      expect(audit.statusCode).toBe(200);
      expect(audit.json()).toContainEqual(
        expect.objectContaining({
          target: { id: String(id) },
          outcome: 'success',
          details: expect.objectContaining({
            status: 200,
            body: { reason: 'phantom: played 7 days later' },
          }),
        }),
      );
    });

    it('is idempotent on a cancelled match: answered as it is, nothing changed', async () => {
      const id = await idOf(phantom);
      const before = await statusOf(id);
      const first = (await inject({ url: `/v1/matches/${id}` })).json().cancellation;
      const again = await cancel(id);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id, status: 'cancelled' });
      // The first cancellation stands: its time and reason.
      expect(again.json().cancellation).toEqual(first);
      expect(await statusOf(id)).toEqual(before);
      // Cancelled by its source: the same, and the source is named (a source gives no reason).
      const bySource = await idOf(cancelledBySource);
      const answer = (await cancel(bySource)).json();
      expect(answer).toMatchObject({ id: bySource, status: 'cancelled' });
      expect(answer.cancellation).toEqual({
        at: expect.any(String),
        by: 'overdue-test',
        reason: null,
      });
    });

    it('refuses a played match with 409 problem+json, changing nothing, and audits the refusal', async () => {
      const id = await idOf(twin);
      const body = expectProblem(await cancel(id), 409);
      expect(body.type).toContain('match-played');
      expect(body.detail).toContain(`match ${id} is finished`);
      expect(await statusOf(id)).toMatchObject({ status: 'finished', home_goals: 2 });
      const audit = await inject({
        url: `/v1/audit?action=${encodeURIComponent(CANCEL_ACTION)}&pageSize=200`,
      });
      expect(audit.json()).toContainEqual(
        expect.objectContaining({ target: { id: String(id) }, outcome: 'failure' }),
      );
    });

    it('answers bad input with 400 and an unknown match with 404, as problem+json', async () => {
      const id = await idOf(late);
      for (const body of [
        {},
        { reason: '' },
        { reason: '   ' },
        { reason: 42 },
        { reason: 'x'.repeat(201) },
        { reason: 'ok', extra: true },
      ]) {
        expectProblem(await cancel(id, body), 400);
      }
      expectProblem(await cancel('abc'), 400);
      expectProblem(await cancel(0), 400);
      expectProblem(await cancel(2_000_000_000), 404);
      expect((await statusOf(id)).status).toBe('scheduled');
    });

    it('keeps a cancelled fixture cancelled when its listing is imported again unplayed, with a warning on the row', async () => {
      const id = await idOf(phantom);
      for (const status of ['scheduled', 'postponed'] as const) {
        const again = { ...phantom, status, line: 7 };
        const report = await importRecords([again]);
        expect(report.counts).toMatchObject({ matchesInserted: 0, matchesUpdated: 0 });
        expect(report.issues).toContainEqual(
          expect.objectContaining({
            line: 7,
            severity: 'warning',
            reason: `the match is already cancelled; this row says ${status}: the stored match is kept`,
          }),
        );
        expect((await statusOf(id)).status).toBe('cancelled');
      }
      expect((await inject({ url: `/v1/matches/${id}` })).json().cancellation).toMatchObject({
        by: 'admin',
        reason: 'phantom: played 7 days later',
      });
      expect(await overdueIds()).not.toContain(id);
    });

    it('names the source of a row that cancels a stored fixture, and keeps the first cancellation', async () => {
      const id = await idOf(ahead);
      expect((await inject({ url: `/v1/matches/${id}` })).json().cancellation).toBeNull();
      await importRecords([{ ...ahead, status: 'cancelled' }]);
      const { cancellation } = (await inject({ url: `/v1/matches/${id}` })).json();
      expect(cancellation).toEqual({ at: expect.any(String), by: 'overdue-test', reason: null });
      // A second source saying so too changes nothing: the first cancellation stands.
      await importRecords([{ ...ahead, status: 'cancelled', source: 'another-feed' }]);
      expect((await inject({ url: `/v1/matches/${id}` })).json().cancellation).toEqual(
        cancellation,
      );
    });

    it('stores a result imported later for a cancelled fixture (it was played after all)', async () => {
      const id = await idOf(late);
      expect((await cancel(id, { reason: 'no result in sight' })).statusCode).toBe(200);
      expect(await overdueIds()).not.toContain(id);
      const report = await importRecords([
        { ...late, status: 'finished', homeGoals: 3, awayGoals: 1 },
      ]);
      expect(report.counts).toMatchObject({ matchesInserted: 0, matchesUpdated: 1 });
      expect(await statusOf(id)).toMatchObject({ status: 'finished', home_goals: 3 });
      // Played after all: no cancellation left on it, in the API or the table.
      expect((await inject({ url: `/v1/matches/${id}` })).json().cancellation).toBeNull();
      expect(
        await query(
          testApp.databaseUrl,
          'select cancelled_at, cancelled_by, cancel_reason from matches where id = $1',
          [id],
        ),
      ).toEqual([{ cancelled_at: null, cancelled_by: null, cancel_reason: null }]);
    });
  });

  describe('access', () => {
    it('refuses viewers and users both routes (403), and anonymous callers (401)', async () => {
      await createAccount(testApp, 'viewer@overdue.test', 'viewer');
      await createAccount(testApp, 'user@overdue.test', 'user');
      const id = await idOf(postponed);
      for (const email of ['viewer@overdue.test', 'user@overdue.test']) {
        const as = testApp.withToken((await testApp.login(email, PASSWORD)).accessToken);
        expectProblem(await as({ url: '/v1/matches/overdue' }), 403);
        expectProblem(
          await as({
            method: 'POST',
            url: `/v1/matches/${id}/cancel`,
            payload: { reason: 'not mine to cancel' },
          }),
          403,
        );
      }
      expectProblem(await testApp.app.inject({ url: '/v1/matches/overdue' }), 401);
      expect((await statusOf(id)).status).toBe('postponed');
    });
  });

  describe('a fixture with a frozen prediction', () => {
    const FIXTURES = 'generated/premier-division';
    let champion: string;
    let fixture: number;

    const league = generatedLeague(now);

    beforeAll(async () => {
      await ingestion.importParsed(league);
      champion = (
        await train(inject, { modelType: 'elo', competitions: [FIXTURES], evaluationWeeks: 4 })
      ).modelVersionId!;
      [{ id: fixture }] = await query<{ id: number }>(
        testApp.databaseUrl,
        `select m.id from matches m join competitions c on c.id = m.competition_id
         where c.code = $1 and m.status = 'scheduled' and m.kickoff > now()
         order by m.kickoff, m.id limit 1`,
        [FIXTURES],
      );
    });

    const unscored = async () => {
      const { pending, void: voided } = (
        await inject({ url: `/v1/models/${champion}/performance` })
      ).json();
      return { pending, void: voided };
    };
    const upcomingIds = async () => {
      const response = await inject({
        url: `/v1/predictions?competition=${encodeURIComponent(FIXTURES)}&pageSize=20`,
      });
      expect(response.statusCode).toBe(200);
      return response.json().map((item: { matchId: number }) => item.matchId) as number[];
    };

    it('voids its ledger entry, drops its cached prediction and takes it out of the upcoming list', async () => {
      const cache = testApp.app.get(PredictionCache);
      const before = await unscored();
      const served = await inject({ url: `/v1/matches/${fixture}/prediction` });
      expect(served.statusCode).toBe(200);
      expect(served.headers['x-model-version']).toBe(champion);
      expect(await unscored()).toEqual({ pending: before.pending + 1, void: before.void });
      expect(await cache.get(fixture, champion)).toBeDefined();
      // The upcoming list serves (and so freezes) its other fixtures too: counted afresh below.
      expect(await upcomingIds()).toContain(fixture);
      const listed = await unscored();

      expect((await cancel(fixture, { reason: 'phantom: brought forward' })).statusCode).toBe(200);

      expect(await cache.get(fixture, champion)).toBeUndefined();
      expect(await unscored()).toEqual({ pending: listed.pending - 1, void: listed.void + 1 });
      expect(await upcomingIds()).not.toContain(fixture);
      expect((await inject({ url: '/v1/ledger/verify' })).json()).toMatchObject({ valid: true });
    });

    it('scores its entry after all when its result is imported later', async () => {
      const finished: number[] = [];
      testApp.app.get(DomainEvents).on('match.finished', ({ matchIds }) => {
        finished.push(...matchIds);
      });
      const [{ source_key }] = await query<{ source_key: string }>(
        testApp.databaseUrl,
        'select source_key from matches where id = $1',
        [fixture],
      );
      const listing = league.records.find((r) => r.sourceKey === source_key);
      if (!listing) throw new Error(`no generated record for match ${fixture}`);
      const cancelled = await unscored();
      const report = await importRecords([
        { ...listing, status: 'finished', homeGoals: 2, awayGoals: 0 },
      ]);
      expect(report.counts.matchesUpdated).toBe(1);
      expect(finished).toContain(fixture);
      // What the evaluation job queued by match.finished does, awaited here.
      expect(await testApp.app.get(EvaluationService).score([fixture])).toBeGreaterThan(0);
      expect(await unscored()).toEqual({ pending: cancelled.pending, void: cancelled.void - 1 });
      const scores = await query<{ outcome: string }>(
        testApp.databaseUrl,
        `select s.outcome from ledger_scores s join ledger_entries e on e.seq = s.seq
         where e.match_id = $1 and e.model_version_id = $2`,
        [fixture, champion],
      );
      expect(scores).toEqual([{ outcome: 'home' }]);
    });
  });
});
