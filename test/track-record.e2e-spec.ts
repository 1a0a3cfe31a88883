import { Client } from 'pg';
import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { MatchRecord, ParseResult } from '../src/matches/ingestion/match-record';
import { EvaluationService } from '../src/predictions/evaluation/evaluation.service';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train } from './support/training';

/**
 * The sealed track record as a demanding API user meets it, on generated leagues (no real data
 * needed): what is frozen and when, the A/B split when a challenger cannot price a match, the
 * scores and aggregates checked by hand, corrections, and the performance endpoints' validation.
 */

const FIRST = 'generated/premier-division';
const SECOND = 'generated/second-division';
const THIRD = 'generated/third-division';

/** The generated league under another competition code, teams and source keys. */
function renamed(league: ParseResult, code: string, prefix: string): ParseResult {
  return {
    ...league,
    records: league.records.map((r) => ({
      ...r,
      sourceKey: `${code}:${r.sourceKey}`,
      competition: { ...r.competition, code, name: code },
      homeTeam: `${prefix} ${r.homeTeam}`,
      awayTeam: `${prefix} ${r.awayTeam}`,
    })),
  };
}

type Probabilities = { home: number; draw: number; away: number };

describe('sealed track record (e2e)', () => {
  let testApp: TestApp;
  let ingestion: IngestionService;
  const now = new Date();
  const leagues = [
    generatedLeague(now),
    renamed(generatedLeague(now, 7), SECOND, 'Second'),
    renamed(generatedLeague(now, 11), THIRD, 'Third'),
  ];
  const inject: Inject = (options) => testApp.asAdmin(options);
  let champion: string;
  let challenger: string;

  /** The scheduled fixtures of a competition, soonest first. */
  const fixtures = async (competition: string) =>
    (
      await query<{ id: number }>(
        testApp.databaseUrl,
        `select m.id from matches m join competitions c on c.id = m.competition_id
         where c.code = $1 and m.status = 'scheduled' order by m.kickoff, m.id`,
        [competition],
      )
    ).map((r) => r.id);

  const entriesOf = (matchId: number) =>
    query<{ model_version_id: string }>(
      testApp.databaseUrl,
      'select model_version_id from ledger_entries where match_id = $1 order by seq',
      [matchId],
    );

  /** The stored record of a match, for re-importing it changed. */
  const recordOf = async (matchId: number): Promise<MatchRecord> => {
    const [{ source_key }] = await query<{ source_key: string }>(
      testApp.databaseUrl,
      'select source_key from matches where id = $1',
      [matchId],
    );
    const record = leagues.flatMap((l) => l.records).find((r) => r.sourceKey === source_key);
    if (!record) throw new Error(`no generated record for match ${matchId}`);
    return record;
  };

  const importResults = async (results: Array<[number, number, number]>) => {
    const records = [];
    for (const [matchId, homeGoals, awayGoals] of results) {
      records.push({
        ...(await recordOf(matchId)),
        status: 'finished' as const,
        homeGoals,
        awayGoals,
      });
    }
    await ingestion.importParsed({
      format: 'generated',
      records,
      issues: [],
      rowsRead: records.length,
    });
  };

  /** Programmatic clients, each with an API key of its own (the A/B split is per key). */
  const callers = async (count: number): Promise<Inject[]> => {
    const out: Inject[] = [];
    for (let i = 0; i < count; i++) {
      const created = await inject({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: `caller ${i}`, scopes: ['read'] },
      });
      expect(created.statusCode).toBe(201);
      const key = created.json().key as string;
      out.push((options) =>
        testApp.app.inject({ ...options, headers: { 'x-api-key': key, ...options.headers } }),
      );
    }
    return out;
  };

  const performanceOf = async (
    versionId: string,
    settled: (p: { pending: number; metrics: { count: number } | null }) => boolean,
  ) => {
    let performance = (await inject({ url: `/v1/models/${versionId}/performance` })).json();
    for (let i = 0; i < 100 && !settled(performance); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      performance = (await inject({ url: `/v1/models/${versionId}/performance` })).json();
    }
    return performance;
  };

  beforeAll(async () => {
    testApp = await startTestApp({ AB_CHALLENGER_SHARE: '0.5' });
    ingestion = testApp.app.get(IngestionService);
    for (const league of leagues) await ingestion.importParsed(league);
    // The global champion covers all three competitions; the challenger only two of them.
    champion = (
      await train(inject, {
        modelType: 'elo',
        competitions: [FIRST, SECOND, THIRD],
        evaluationWeeks: 4,
      })
    ).modelVersionId!;
    challenger = (
      await train(inject, { modelType: 'elo', competitions: [FIRST, SECOND], evaluationWeeks: 4 })
    ).modelVersionId!;
    const promoted = await inject({
      method: 'POST',
      url: `/v1/models/${challenger}/promote`,
      payload: { alias: 'challenger' },
    });
    expect(promoted.statusCode).toBe(200);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('serves the champion where the challenger cannot price the match, to every caller', async () => {
    const [fixture] = await fixtures(THIRD);
    const statuses = [];
    for (const caller of await callers(12)) {
      const response = await caller({
        url: `/v1/matches/${fixture}/prediction`,
        headers: { 'cache-control': 'no-cache' },
      });
      statuses.push(`${response.statusCode} ${response.headers['x-model-version']}`);
    }
    expect(new Set(statuses)).toEqual(new Set([`200 ${champion}`]));
    expect((await entriesOf(fixture)).map((e) => e.model_version_id)).toEqual([champion]);
  });

  it('freezes one entry per version when the first requests arrive together', async () => {
    const [, fixture] = await fixtures(FIRST);
    const clients = await callers(8);
    const responses = await Promise.all(
      clients.map((caller) => caller({ url: `/v1/matches/${fixture}/prediction` })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect((await entriesOf(fixture)).map((e) => e.model_version_id).sort()).toEqual(
      [champion, challenger].sort(),
    );
    expect((await inject({ url: '/v1/ledger/verify' })).json()).toMatchObject({ valid: true });
  });

  it('commits a frozen entry durably before the prediction is served', async () => {
    // What each ledger insert ran with, recorded by a trigger of this test's own.
    await query(
      testApp.databaseUrl,
      `create table ledger_commit_modes (seq bigint, synchronous_commit text);
       create function record_commit_mode() returns trigger language plpgsql as $$ begin
         insert into ledger_commit_modes values (new.seq, current_setting('synchronous_commit'));
         return new; end $$;
       create trigger record_commit_mode after insert on ledger_entries
         for each row execute function record_commit_mode();`,
    );
    try {
      const [, , fixture] = await fixtures(FIRST);
      expect((await inject({ url: `/v1/matches/${fixture}/prediction` })).statusCode).toBe(200);
      // A commit that a database crash may still lose would un-freeze a prediction already served.
      const modes = await query(
        testApp.databaseUrl,
        'select synchronous_commit from ledger_commit_modes',
      );
      const [server] = await query<{ synchronous_commit: string }>(
        testApp.databaseUrl,
        'show synchronous_commit',
      );
      expect(server.synchronous_commit).not.toBe('off');
      expect(modes).toEqual([server, server]);
    } finally {
      await query(
        testApp.databaseUrl,
        `drop trigger record_commit_mode on ledger_entries; drop function record_commit_mode();
         drop table ledger_commit_modes;`,
      );
    }
  });

  it('freezes both sides of the split even when the champion was first asked for by id', async () => {
    const [, , , fixture, probe] = await fixtures(FIRST);
    // A caller on the champion's side of the split.
    let championSide: Inject | undefined;
    for (const caller of await callers(12)) {
      const response = await caller({ url: `/v1/matches/${probe}/prediction` });
      if (response.headers['x-model-variant'] === 'champion') championSide = caller;
    }
    if (!championSide) throw new Error('no caller on the champion side among 12');
    const pinned = await inject({ url: `/v1/matches/${fixture}/prediction?model=${champion}` });
    expect(pinned.headers['x-model-variant']).toBe('requested');
    const served = await championSide({ url: `/v1/matches/${fixture}/prediction` });
    expect(served.headers['x-model-version']).toBe(champion);
    expect((await entriesOf(fixture)).map((e) => e.model_version_id).sort()).toEqual(
      [champion, challenger].sort(),
    );
  });

  it('freezes nothing once the match has a result or is cancelled, even before the stored kick-off', async () => {
    // Results known while the stored kick-off is still ahead: as when a second source reports a
    // match played earlier than the first source's kick-off time, which stays.
    const [, , finished, cancelled] = await fixtures(SECOND);
    await importResults([[finished, 1, 0]]);
    const record = await recordOf(cancelled);
    await ingestion.importParsed({
      format: 'generated',
      records: [{ ...record, status: 'cancelled' }],
      issues: [],
      rowsRead: 1,
    });
    for (const id of [finished, cancelled]) {
      const served = await inject({ url: `/v1/matches/${id}/prediction` });
      expect(served.statusCode).toBe(200);
      expect(new Date(served.json().match.kickoff).getTime()).toBeGreaterThan(Date.now());
      expect(served.headers['x-prediction-made-after-kickoff']).toBe('true');
      expect(await entriesOf(id)).toEqual([]);
    }
  });

  it('counts a frozen prediction as void, not pending, once its match is cancelled or removed', async () => {
    const [, , cancelled, removed] = await fixtures(THIRD);
    const unscored = async () => {
      const { pending, void: voided } = (
        await inject({ url: `/v1/models/${champion}/performance` })
      ).json();
      return { pending, void: voided };
    };
    const before = await unscored();
    for (const id of [cancelled, removed]) {
      expect((await inject({ url: `/v1/matches/${id}/prediction` })).statusCode).toBe(200);
    }
    expect(await unscored()).toEqual({ pending: before.pending + 2, void: before.void });
    await ingestion.importParsed({
      format: 'generated',
      records: [{ ...(await recordOf(cancelled)), status: 'cancelled' }],
      issues: [],
      rowsRead: 1,
    });
    // As a team merge removes a duplicate match (its entries stay, sealed, but no result comes).
    await query(testApp.databaseUrl, 'delete from matches where id = $1', [removed]);
    expect(await unscored()).toEqual({ pending: before.pending, void: before.void + 2 });
    expect((await inject({ url: '/v1/ledger/verify' })).json()).toMatchObject({ valid: true });
  });

  it('scores the frozen predictions as computed by hand, with calibration, market and drift', async () => {
    const chosen = (await fixtures(FIRST)).slice(5, 15);
    for (const id of chosen) {
      expect((await inject({ url: `/v1/matches/${id}/prediction` })).statusCode).toBe(200);
    }
    const goals: Array<[number, number]> = [
      [2, 0],
      [1, 1],
      [0, 1],
      [3, 2],
      [0, 0],
      [1, 2],
      [4, 1],
      [2, 2],
      [0, 3],
      [1, 0],
    ];
    await importResults(chosen.map((id, i) => [id, ...goals[i]]));
    const performance = await performanceOf(champion, (p) => p.metrics?.count === chosen.length);

    const frozen = await query<{ match_id: number; kickoff: Date; p: Probabilities }>(
      testApp.databaseUrl,
      `select match_id, kickoff, prediction->'markets'->'matchResult' as p from ledger_entries
       where model_version_id = $1 and match_id = any($2) order by kickoff, seq`,
      [champion, chosen],
    );
    expect(frozen).toHaveLength(chosen.length);
    const outcomeOf = (h: number, a: number) => (h > a ? 'home' : h < a ? 'away' : 'draw');
    const scored = frozen.map((e) => {
      const [h, a] = goals[chosen.indexOf(e.match_id)];
      return { p: e.p, outcome: outcomeOf(h, a) as keyof Probabilities };
    });
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const indicator = (o: string, k: string) => (o === k ? 1 : 0);
    const rps = mean(
      scored.map(({ p, outcome }) => {
        const a = p.home - indicator(outcome, 'home');
        const b = p.home + p.draw - (outcome === 'away' ? 0 : 1);
        return (a * a + b * b) / 2;
      }),
    );
    const logLoss = mean(scored.map(({ p, outcome }) => -Math.log(p[outcome])));
    const brier = mean(
      scored.map(({ p, outcome }) =>
        (['home', 'draw', 'away'] as const).reduce(
          (s, k) => s + (p[k] - indicator(outcome, k)) ** 2,
          0,
        ),
      ),
    );
    const accuracy = mean(
      scored.map(({ p, outcome }) => {
        const best = (['home', 'draw', 'away'] as const).reduce((b, k) => (p[k] > p[b] ? k : b));
        return best === outcome ? 1 : 0;
      }),
    );
    expect(performance.metrics.count).toBe(chosen.length);
    expect(performance.metrics.rps).toBeCloseTo(rps, 12);
    expect(performance.metrics.logLoss).toBeCloseTo(logLoss, 12);
    expect(performance.metrics.brier).toBeCloseTo(brier, 12);
    expect(performance.metrics.accuracy).toBeCloseTo(accuracy, 12);

    // Calibration: ten equal-width bins per outcome, each forecast in the bin of its probability.
    for (const k of ['home', 'draw', 'away'] as const) {
      const bins = performance.calibration[k];
      expect(bins).toHaveLength(10);
      for (const [b, bin] of bins.entries()) {
        const inBin = scored.filter(({ p }) => Math.min(9, Math.floor(p[k] * 10)) === b);
        expect(bin).toMatchObject({ lower: b / 10, upper: (b + 1) / 10, count: inBin.length });
        if (inBin.length > 0) {
          expect(bin.meanForecast).toBeCloseTo(mean(inBin.map(({ p }) => p[k])), 12);
          expect(bin.observedFrequency).toBeCloseTo(
            mean(inBin.map(({ outcome }) => indicator(outcome, k))),
            12,
          );
        }
      }
    }

    // The market on the same matches: the margin-free probabilities of the prices the frozen
    // prediction showed (only opening prices here), scored the same way.
    const market = await query<{
      m: Probabilities;
      outcome: keyof Probabilities;
      shown: Array<{ market: string; outcomes: Record<string, { implied: number }> }>;
    }>(
      testApp.databaseUrl,
      `select s.market_probabilities as m, s.outcome, e.prediction->'odds' as shown
       from ledger_entries e join ledger_scores s on s.seq = e.seq
       where e.model_version_id = $1 and e.match_id = any($2)`,
      [champion, chosen],
    );
    for (const { m, shown } of market) {
      const implied = shown.find((o) => o.market === '1x2')?.outcomes;
      for (const k of ['home', 'draw', 'away'] as const)
        expect(m[k]).toBeCloseTo(implied?.[k].implied ?? NaN, 5);
    }
    const marketRps = mean(
      market.map(({ m, outcome }) => {
        const a = m.home - indicator(outcome, 'home');
        const b = m.home + m.draw - (outcome === 'away' ? 0 : 1);
        return (a * a + b * b) / 2;
      }),
    );
    expect(performance.market).toEqual({
      count: chosen.length,
      rps: expect.any(Number),
      modelRps: expect.any(Number),
    });
    expect(performance.market.rps).toBeCloseTo(marketRps, 12);
    expect(performance.market.modelRps).toBeCloseTo(rps, 12);

    const version = (await inject({ url: `/v1/models/${champion}` })).json();
    const expectedRps = version.evaluation.model.outcomes.rps;
    expect(performance.drift).toMatchObject({ count: chosen.length, expectedRps });
    expect(performance.drift.rollingRps).toBeCloseTo(rps, 12);
    expect(performance.drift.difference).toBeCloseTo(rps - expectedRps, 12);

    // Filtered by kick-off: from is inclusive, to exclusive.
    const from = frozen[4].kickoff.toISOString();
    const to = frozen[8].kickoff.toISOString();
    const window = (
      await inject({
        url: `/v1/performance?competition=${encodeURIComponent(FIRST)}&from=${from}&to=${to}`,
      })
    ).json();
    const inWindow = frozen.filter(
      (e) => e.kickoff.toISOString() >= from && e.kickoff.toISOString() < to,
    );
    expect(
      window.find((p: { modelVersionId: string }) => p.modelVersionId === champion).metrics.count,
    ).toBe(inWindow.length);
    const elsewhere = (
      await inject({ url: `/v1/performance?competition=${encodeURIComponent(THIRD)}` })
    ).json();
    expect(elsewhere).toEqual([]);
  });

  it('re-scores an entry when its result is corrected after scoring', async () => {
    const [matchId] = (
      await query<{ match_id: number }>(
        testApp.databaseUrl,
        `select e.match_id from ledger_entries e join ledger_scores s on s.seq = e.seq
         where e.model_version_id = $1 and s.home_goals = 2 and s.away_goals = 0`,
        [champion],
      )
    ).map((r) => r.match_id);
    const before = (await inject({ url: `/v1/models/${champion}/performance` })).json();
    await importResults([[matchId, 0, 2]]);
    let line:
      | {
          score: { homeGoals: number; awayGoals: number; outcome: string; rps: number };
          prediction: { markets: { matchResult: Probabilities } };
        }
      | undefined;
    for (let i = 0; i < 100; i++) {
      const lines = (await inject({ url: '/v1/ledger/export' })).body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      line = lines.find((l) => l.matchId === matchId && l.modelVersionId === champion);
      if (line?.score.awayGoals === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(line?.score).toMatchObject({ homeGoals: 0, awayGoals: 2, outcome: 'away' });
    const p = line!.prediction.markets.matchResult;
    expect(line!.score.rps).toBeCloseTo((p.home ** 2 + (p.home + p.draw) ** 2) / 2, 12);
    const after = (await inject({ url: `/v1/models/${champion}/performance` })).json();
    expect(after.metrics.count).toBe(before.metrics.count);
    expect(after.metrics.rps).not.toBeCloseTo(before.metrics.rps, 6);
  });

  it('keeps a correction scored when an evaluation that read the old result finishes after it', async () => {
    const [entry] = await query<{ seq: string; match_id: number; home_goals: number }>(
      testApp.databaseUrl,
      `select s.seq, e.match_id, s.home_goals from ledger_scores s join ledger_entries e
       on e.seq = s.seq where e.model_version_id = $1 order by s.seq limit 1`,
      [champion],
    );
    const evaluation = testApp.app.get(EvaluationService);
    const stale = entry.home_goals;
    const corrected = stale + 3;
    // The job that read the old result is held just before its write lands (a slow commit, a
    // paused worker), while the correction and its own job go through.
    await query(
      testApp.databaseUrl,
      `create function hold_stale_score() returns trigger language plpgsql as $$
       begin
         if new.seq = ${entry.seq} and new.home_goals = ${stale} then perform pg_sleep(2); end if;
         return new;
       end $$;
       create trigger hold_stale_score before insert on ledger_scores
         for each row execute function hold_stale_score();`,
    );
    try {
      const staleJob = evaluation.score([entry.match_id]);
      // Until it has read the old result and its write is held.
      let held = '0';
      for (let i = 0; i < 100; i++) {
        [{ count: held }] = await query<{ count: string }>(
          testApp.databaseUrl,
          `select count(*) from pg_stat_activity
           where datname = current_database() and wait_event = 'PgSleep'`,
        );
        if (held === '1') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Otherwise the stale write never raced the correction, and the check below proves nothing.
      expect(held).toBe('1');
      await query(testApp.databaseUrl, 'update matches set home_goals = $2 where id = $1', [
        entry.match_id,
        corrected,
      ]);
      await evaluation.score([entry.match_id]);
      await staleJob;
    } finally {
      await query(
        testApp.databaseUrl,
        'drop trigger hold_stale_score on ledger_scores; drop function hold_stale_score()',
      );
    }
    const [score] = await query<{ home_goals: number }>(
      testApp.databaseUrl,
      'select home_goals from ledger_scores where seq = $1',
      [entry.seq],
    );
    expect(score.home_goals).toBe(corrected);
  });

  it('never scores a prediction served after the kick-off its result reports, and says why', async () => {
    const [, , , , late, onTime] = await fixtures(THIRD);
    for (const id of [late, onTime]) {
      expect((await inject({ url: `/v1/matches/${id}/prediction` })).statusCode).toBe(200);
    }
    const [{ served_at: servedAt }] = await query<{ served_at: Date }>(
      testApp.databaseUrl,
      'select served_at from ledger_entries where match_id = $1 and model_version_id = $2',
      [late, champion],
    );
    const before = (await inject({ url: `/v1/models/${champion}/performance` })).json();
    // The source that listed the fixture reports its result with an earlier kick-off, one the
    // prediction was served after (a listed time that was wrong, or a match brought forward).
    await ingestion.importParsed({
      format: 'generated',
      records: [
        {
          ...(await recordOf(late)),
          kickoff: new Date(new Date(servedAt).getTime() - 60_000),
          status: 'finished',
          homeGoals: 2,
          awayGoals: 1,
        },
        { ...(await recordOf(onTime)), status: 'finished', homeGoals: 2, awayGoals: 1 },
      ],
      issues: [],
      rowsRead: 2,
    });
    const after = await performanceOf(
      champion,
      (p) => p.metrics?.count === (before.metrics?.count ?? 0) + 1,
    );
    expect(after.metrics.count).toBe((before.metrics?.count ?? 0) + 1);
    expect({ pending: after.pending, void: after.void }).toEqual({
      pending: before.pending - 2,
      void: before.void + 1,
    });
    const lines = (await inject({ url: '/v1/ledger/export' })).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { matchId: number; score: unknown; void?: string });
    const lateLines = lines.filter((l) => l.matchId === late);
    expect(lateLines.length).toBeGreaterThan(0);
    for (const line of lateLines) {
      expect(line).toMatchObject({ score: null, void: 'served-after-kickoff' });
    }
    const onTimeLines = lines.filter((l) => l.matchId === onTime);
    expect(onTimeLines.length).toBeGreaterThan(0);
    for (const line of onTimeLines) {
      expect(line.score).not.toBeNull();
      expect(line).not.toHaveProperty('void');
    }
    // Served as frozen, and marked as made after the kick-off the match now has.
    const [lateServed, onTimeServed] = await Promise.all(
      [late, onTime].map((id) => inject({ url: `/v1/matches/${id}/prediction?model=${champion}` })),
    );
    expect(lateServed.headers['x-prediction-frozen']).toBe(new Date(servedAt).toISOString());
    expect(lateServed.headers['x-prediction-made-after-kickoff']).toBe('true');
    expect(onTimeServed.headers['x-prediction-frozen']).toBeDefined();
    expect(onTimeServed.headers['x-prediction-made-after-kickoff']).toBeUndefined();
    // Entries of a cancelled or removed match say so too (the test above made them).
    expect(new Set(lines.map((l) => l.void).filter(Boolean))).toEqual(
      new Set(['match-cancelled', 'match-removed', 'served-after-kickoff']),
    );
    expect((await inject({ url: '/v1/ledger/verify' })).json()).toMatchObject({ valid: true });
  });

  it('serves the frozen entry once the match has kicked off, never a recomputation, and says so', async () => {
    const [matchId, neverFrozen] = (await fixtures(FIRST)).slice(-2);
    const kickoff = new Date(Date.now() + 3000);
    await ingestion.importParsed({
      format: 'generated',
      records: [{ ...(await recordOf(matchId)), kickoff }],
      issues: [],
      rowsRead: 1,
    });
    const url = `/v1/matches/${matchId}/prediction`;
    const first = await inject({ url });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-prediction-frozen']).toBeUndefined();
    expect(first.headers['x-prediction-made-after-kickoff']).toBeUndefined();
    const version = String(first.headers['x-model-version']);
    // Recomputed before kick-off: the cache now holds another prediction than the frozen one.
    const recomputed = await inject({ url, headers: { 'cache-control': 'no-cache' } });
    expect(recomputed.json().computedAt).not.toBe(first.json().computedAt);
    expect((await inject({ url })).headers['x-cache']).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, kickoff.getTime() - Date.now() + 100));

    const frozenOf = async (versionId: string) => {
      const [entry] = await query<{ prediction: object; served_at: Date }>(
        testApp.databaseUrl,
        `select prediction, served_at from ledger_entries
         where match_id = $1 and model_version_id = $2`,
        [matchId, versionId],
      );
      return { prediction: entry.prediction, frozenAt: entry.served_at.toISOString() };
    };
    const frozen = await frozenOf(version);
    expect(frozen.prediction).toEqual(first.json());
    for (const cache of ['miss', 'hit']) {
      const after = await inject({ url });
      expect(after.statusCode).toBe(200);
      expect(after.headers).toMatchObject({
        'x-model-version': version,
        'x-cache': cache,
        'x-prediction-frozen': frozen.frozenAt,
      });
      expect(after.headers['x-prediction-made-after-kickoff']).toBeUndefined();
      expect(after.json()).toEqual(frozen.prediction);
    }
    // The other side of the split, asked for by id: its own entry.
    const otherVersion = version === champion ? challenger : champion;
    const other = await inject({ url: `${url}?model=${otherVersion}` });
    const otherFrozen = await frozenOf(otherVersion);
    expect(other.headers['x-prediction-frozen']).toBe(otherFrozen.frozenAt);
    expect(other.json()).toEqual(otherFrozen.prediction);
    // A past window of the upcoming list shows the fixture (still "scheduled") the same way.
    const window = `from=${new Date(kickoff.getTime() - 60_000).toISOString()}&to=${new Date(kickoff.getTime() + 1000).toISOString()}`;
    const listed = await inject({
      url: `/v1/predictions?competition=${encodeURIComponent(FIRST)}&${window}`,
    });
    expect(listed.json()).toEqual([{ matchId, ...frozen }]);
    // And once the result is in.
    await importResults([[matchId, 2, 1]]);
    const finished = await inject({ url });
    expect(finished.headers['x-prediction-frozen']).toBe(frozen.frozenAt);
    expect(finished.json()).toEqual(frozen.prediction);

    // A finished match no version froze: computed now, and it says so (nothing is frozen).
    await importResults([[neverFrozen, 0, 0]]);
    const late = await inject({ url: `/v1/matches/${neverFrozen}/prediction` });
    expect(late.statusCode).toBe(200);
    expect(late.headers['x-prediction-made-after-kickoff']).toBe('true');
    expect(late.headers['x-prediction-frozen']).toBeUndefined();
    expect(await entriesOf(neverFrozen)).toEqual([]);
  });

  it('answers HEAD of the export with its headers without reading the ledger', async () => {
    // A reader of ledger_entries waits on this lock, where pg_stat_activity shows it.
    const holder = new Client({ connectionString: testApp.databaseUrl });
    await holder.connect();
    const waitingReaders = async () => {
      const [row] = await query<{ count: string }>(
        testApp.databaseUrl,
        `select count(*) from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query ilike '%ledger_entries%'`,
      );
      return Number(row.count);
    };
    try {
      await holder.query('begin; lock table ledger_entries in access exclusive mode');
      const head = await inject({ method: 'HEAD', url: '/v1/ledger/export' });
      expect(head.statusCode).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers).toMatchObject({
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': 'attachment; filename="oracxpred-ledger.ndjson"',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await waitingReaders()).toBe(0);
      // The detector itself: a GET does read, and waits on the lock.
      const get = inject({ url: '/v1/ledger/export' });
      let waiting = 0;
      for (let i = 0; i < 100 && waiting === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        waiting = await waitingReaders();
      }
      expect(waiting).toBe(1);
      await holder.query('rollback');
      const body = await get;
      expect(body.statusCode).toBe(200);
      expect(body.headers['content-type']).toBe(head.headers['content-type']);
      expect(body.headers['content-disposition']).toBe(head.headers['content-disposition']);
      expect(body.headers['content-length']).toBe(head.headers['content-length']);
    } finally {
      await holder.end();
    }
  });

  it('refuses bad performance filters with the field and the reason', async () => {
    const cases: Array<[string, string]> = [
      ['from=2027-02-30', 'from'],
      ['from=yesterday', 'from'],
      ['to=2027-13-01', 'to'],
      ['from=2027-03-01&to=2027-02-01', 'to'],
      ['from=2027-03-01&to=2027-03-01', 'to'],
      [`competition=${'x'.repeat(200)}`, 'competition'],
      // A competition that does not exist (a typo) is named, not an empty track record.
      ['competition=nowhere/none', 'competition'],
      ['competition=999999', 'competition'],
    ];
    for (const [params, field] of cases) {
      const response = await inject({ url: `/v1/performance?${params}` });
      expect({
        params,
        status: response.statusCode,
        type: response.headers['content-type'],
      }).toEqual({
        params,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
      expect(response.json().errors).toEqual([expect.objectContaining({ field })]);
    }
    // A window that matches nothing is an empty track record, like any other list filter.
    for (const params of ['from=1990-01-01&to=1990-02-01']) {
      const empty = await inject({ url: `/v1/performance?${params}` });
      expect({ params, status: empty.statusCode, body: empty.json() }).toEqual({
        params,
        status: 200,
        body: [],
      });
    }
  });

  it('takes the score back when a team merge removes the scored match as a duplicate', async () => {
    const [kept] = await fixtures(SECOND);
    const record = await recordOf(kept);
    // The same fixture under other spellings of both teams (a source of its own): a second
    // match between two more teams, until the admin merges each spelling into its club.
    const duplicate = {
      ...record,
      sourceKey: `${record.sourceKey}:other-spelling`,
      homeTeam: `${record.homeTeam} Other Spelling`,
      awayTeam: `${record.awayTeam} Other Spelling`,
    };
    const importDuplicate = (result: Partial<MatchRecord>) =>
      ingestion.importParsed({
        format: 'generated',
        records: [{ ...duplicate, ...result }],
        issues: [],
        rowsRead: 1,
      });
    await importDuplicate({});
    const [{ id: removed, ...spellings }] = await query<{
      id: number;
      home_team_id: number;
      away_team_id: number;
    }>(
      testApp.databaseUrl,
      'select id, home_team_id, away_team_id from matches where source_key = $1',
      [duplicate.sourceKey],
    );
    expect((await inject({ url: `/v1/matches/${removed}/prediction` })).statusCode).toBe(200);
    const scoresOf = async () =>
      Number(
        (
          await query<{ count: string }>(
            testApp.databaseUrl,
            `select count(*) from ledger_scores s join ledger_entries e on e.seq = s.seq
             where e.match_id = $1`,
            [removed],
          )
        )[0].count,
      );
    const settle = async (expected: number) => {
      for (let i = 0; i < 100 && (await scoresOf()) !== expected; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return scoresOf();
    };
    await importDuplicate({ status: 'finished', homeGoals: 1, awayGoals: 0 });
    expect(await settle(2)).toBe(2);
    const before = (await inject({ url: `/v1/models/${champion}/performance` })).json();

    const [clubs] = await query<{ home_team_id: number; away_team_id: number }>(
      testApp.databaseUrl,
      'select home_team_id, away_team_id from matches where id = $1',
      [kept],
    );
    const merge = (side: 'home_team_id' | 'away_team_id') =>
      inject({
        method: 'POST',
        url: `/v1/teams/${spellings[side]}/merge`,
        payload: { intoTeamId: clubs[side] },
      });
    expect((await merge('home_team_id')).json()).toMatchObject({ matchesDeduplicated: 0 });
    // Its result still stands until the match goes.
    expect(await scoresOf()).toBe(2);
    expect((await merge('away_team_id')).json()).toMatchObject({ matchesDeduplicated: 1 });
    expect(await settle(0)).toBe(0);
    const after = (await inject({ url: `/v1/models/${champion}/performance` })).json();
    // (No scored entry left at all, run alone: metrics null.)
    expect({ count: after.metrics?.count ?? 0, pending: after.pending, void: after.void }).toEqual({
      count: before.metrics.count - 1,
      pending: before.pending,
      void: before.void + 1,
    });
    expect((await inject({ url: '/v1/ledger/verify' })).json()).toMatchObject({ valid: true });
  });
});
