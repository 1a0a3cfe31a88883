import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  VirtualFeedDocument,
  VirtualLeague,
  VirtualMatchView,
} from '../src/matches/virtual-league/virtual-league';
import { DomainEvents } from '../src/common/events/domain-events';
import { query } from './support/databases';
import { FeedServer, sendJson, startFeedServer } from './support/feed-server';
import { parseSamples, valueOf } from './support/prometheus-text';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A fast league: a kick-off every 400 ms, 1.5 s matches, fixtures published 2 s ahead.
const PACE = { kickoffIntervalMs: 400, matchDurationMs: 1500, publishLeadMs: 2000 };
const ROUND = 10; // 20 teams: 10 matches a round

interface SourceView {
  id: string;
  pollsSucceeded: number;
  lastCounts: { rowsRead: number };
  breaker: { state: string; consecutiveFailures: number };
}

interface StoredMatch extends Record<string, unknown> {
  id: number;
  source_key: string;
  status: string;
  home_goals: number | null;
  away_goals: number | null;
  home: string;
  away: string;
}

describe('collector: the virtual league over HTTP, and sources that fail', () => {
  let testApp: TestApp;
  let league: VirtualLeague;
  let feed: FeedServer;
  let broken: FeedServer;
  let footballData: FeedServer;
  /** The two files football-data.co.uk serves: the season's results and the upcoming fixtures. */
  const files = { season: '', fixtures: '' };
  /** Whether the football-data stand-in sends ETags (and answers 304 to a matching If-None-Match). */
  let sendEtags = false;
  /** What the football-data stand-in was asked, and what it answered. */
  const footballDataRequests: Array<{ file: string; ifNoneMatch?: string; status: number }> = [];
  /** Every document the league's HTTP feed answered, in order. */
  const served: VirtualFeedDocument[] = [];

  beforeAll(async () => {
    league = new VirtualLeague({
      seed: 99,
      epoch: Date.now() + 4000,
      retentionMs: 600_000,
      ...PACE,
    });
    feed = await startFeedServer((_request, response) => {
      const document = league.feed(Date.now());
      served.push(document);
      sendJson(response, document);
    });
    broken = await startFeedServer((_request, response) => sendJson(response, { matches: [] }));
    footballData = await startFeedServer((request, response) => {
      const file = request.url?.endsWith('fixtures') ? 'fixtures' : 'season';
      const etag = `"${createHash('sha256').update(files[file]).digest('hex').slice(0, 16)}"`;
      const ifNoneMatch = request.headers['if-none-match'];
      const status = sendEtags && ifNoneMatch === etag ? 304 : 200;
      footballDataRequests.push({ file, ifNoneMatch, status });
      response.writeHead(status, {
        'content-type': 'text/csv',
        ...(sendEtags ? { etag } : {}),
      });
      response.end(status === 304 ? undefined : files[file]);
    });
    testApp = await startTestApp({
      // Long intervals: the test polls by hand, so it knows which document each poll read.
      COLLECTOR_SOURCES: JSON.stringify([
        { id: 'vl', provider: 'virtual-league', url: feed.url, intervalSeconds: 3600, retries: 0 },
        {
          id: 'fd',
          provider: 'football-data-co-uk',
          url: `${footballData.url}?file=season`,
          fixturesUrl: `${footballData.url}?file=fixtures`,
          intervalSeconds: 3600,
        },
        {
          id: 'broken',
          provider: 'virtual-league',
          url: broken.url,
          intervalSeconds: 3600,
          retries: 1,
          retryBackoffMs: 10,
          breaker: { failureThreshold: 3, cooldownSeconds: 3600 },
        },
      ]),
      LIVE_CACHE_SECONDS: '30',
      LOG_LEVEL: 'error',
    });
    // The first fixture is published 1.5 s from now, after the app has started.
    league = new VirtualLeague({
      seed: 99,
      epoch: Date.now() + 3500,
      retentionMs: 600_000,
      ...PACE,
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await feed?.close();
    await broken?.close();
    await footballData?.close();
  });

  const poll = async (sourceId: string) => {
    const response = await testApp.asAdmin({
      method: 'POST',
      url: `/v1/collector/sources/${sourceId}/poll`,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ outcome: string; reason: string | null; attempts: number }>();
  };

  const pollsFailedOf = async (sourceId: string) =>
    (await testApp.asAdmin({ method: 'GET', url: '/v1/collector/sources' }))
      .json<Array<{ id: string; pollsFailed: number }>>()
      .find((source) => source.id === sourceId)!.pollsFailed;

  const storedMatches = () =>
    query<StoredMatch>(
      testApp.databaseUrl,
      `select m.id, r.source_key, m.status::text as status, m.home_goals, m.away_goals,
         h.name as home, a.name as away
       from match_source_refs r join matches m on m.id = r.match_id
       join teams h on h.id = m.home_team_id join teams a on a.id = m.away_team_id
       where r.source = 'collector:vl'`,
    );

  it('follows a full round (fixtures, moving odds, live, results) with no duplicates', async () => {
    const end = league.settings.epoch + (ROUND - 1) * PACE.kickoffIntervalMs + PACE.matchDurationMs;
    const statusesSeen = new Map<string, Set<string>>();
    /** Per match and market, the prices of each poll that read the match before kick-off. */
    const pricesSeen = new Map<string, string[]>();
    // Finished matches are announced once each (the ledger's evaluation listens to this).
    const finished: number[] = [];
    testApp.app.get(DomainEvents).on('match.finished', ({ matchIds }) => {
      finished.push(...matchIds);
    });
    let polls = 0;
    // Until a poll has read the feed after the round's last final whistle.
    const readAfterEnd = () =>
      served.length > 0 && Date.parse(served[served.length - 1].generatedAt) > end + 100;
    while (!readAfterEnd()) {
      const result = await poll('vl');
      expect(result).toMatchObject({ outcome: 'succeeded', reason: null, attempts: 1 });
      polls += 1;
      const document = served[served.length - 1];
      const stored = new Map((await storedMatches()).map((m) => [m.source_key, m]));
      // The database says exactly what the document this poll read said.
      for (const match of document.matches) {
        const row = stored.get(match.id);
        expect(row).toBeDefined();
        expect([
          match.id,
          row!.status,
          row!.home_goals,
          row!.away_goals,
          row!.home,
          row!.away,
        ]).toEqual([
          match.id,
          match.status,
          match.score?.home ?? null,
          match.score?.away ?? null,
          match.home,
          match.away,
        ]);
        statusesSeen.set(match.id, (statusesSeen.get(match.id) ?? new Set()).add(match.status));
        if (match.status === 'scheduled' && match.odds) {
          for (const [market, prices] of Object.entries(match.odds)) {
            const key = `${match.id}|${market}`;
            pricesSeen.set(key, [...(pricesSeen.get(key) ?? []), JSON.stringify(prices)]);
          }
        }
      }
      await sleep(50);
    }
    expect(polls).toBeGreaterThan(15);

    // The first round, start to end.
    const round = league
      .feed(end + 1)
      .matches.filter((m: VirtualMatchView) => m.season === 'virtual-1' && m.round === 1);
    expect(round).toHaveLength(ROUND);
    const stored = await storedMatches();
    const byKey = new Map(stored.map((m) => [m.source_key, m]));
    for (const match of round) {
      const row = byKey.get(match.id)!;
      expect([match.id, row.status]).toEqual([match.id, match.status]);
      const seen = [...statusesSeen.get(match.id)!];
      if (match.status === 'finished') {
        expect([match.id, seen]).toEqual([match.id, ['scheduled', 'live', 'finished']]);
        expect([row.home_goals, row.away_goals]).toEqual([match.score!.home, match.score!.away]);
      } else {
        expect(seen[0]).toBe('scheduled');
      }
    }

    const finishedIds = stored.filter((m) => m.status === 'finished').map((m) => m.id);
    expect(finishedIds.length).toBeGreaterThan(0);
    expect([...finished].sort((a, b) => a - b)).toEqual([...finishedIds].sort((a, b) => a - b));

    // No duplicates: one match per feed id, one reference per match, nothing else stored.
    const everServed = new Set(served.flatMap((d) => d.matches.map((m) => m.id)));
    expect(stored).toHaveLength(everServed.size);
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
    const [{ count }] = await query<{ count: string }>(
      testApp.databaseUrl,
      'select count(*) from matches',
    );
    expect(Number(count)).toBe(everServed.size);

    // Odds: opening = first seen, closing = last seen before kick-off, and every change in between.
    const snapshots = await query<{
      source_key: string;
      market: string;
      phase: string;
      prices: unknown;
    }>(
      testApp.databaseUrl,
      `select r.source_key, o.market::text, o.phase::text, o.prices from odds_snapshots o
       join match_source_refs r on r.match_id = o.match_id and r.source = o.source`,
    );
    const movements = await query<{ source_key: string; market: string; prices: unknown }>(
      testApp.databaseUrl,
      `select r.source_key, o.market::text, o.prices from odds_movements o
       join match_source_refs r on r.match_id = o.match_id and r.source = o.source
       order by o.observed_at, o.id`,
    );
    let moved = 0;
    for (const [key, sequence] of pricesSeen) {
      const [id, market] = key.split('|');
      const phase = (p: string) =>
        snapshots.find((s) => s.source_key === id && s.market === market && s.phase === p)?.prices;
      expect(phase('opening')).toEqual(JSON.parse(sequence[0]));
      expect(phase('closing')).toEqual(JSON.parse(sequence.at(-1)!));
      const changes = sequence.filter((prices, i) => i === 0 || prices !== sequence[i - 1]);
      const history = movements
        .filter((m) => m.source_key === id && m.market === market)
        .map((m) => m.prices);
      expect(history).toEqual(changes.map((p) => JSON.parse(p)));
      if (changes.length > 1) moved += 1;
    }
    expect(moved).toBeGreaterThan(0); // the odds did move before kick-off
  });

  it('serves the odds movement of a collected match, and live matches from the cache', async () => {
    const [first] = await query<{ match_id: number }>(
      testApp.databaseUrl,
      'select match_id from odds_movements order by id limit 1',
    );
    const response = await testApp.asAdmin({
      method: 'GET',
      url: `/v1/matches/${first.match_id}/odds/movements`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()[0]).toMatchObject({
      source: 'collector:vl',
      bookmaker: 'virtual-bookmaker',
    });
    expect(
      (await testApp.asAdmin({ method: 'GET', url: '/v1/matches/999999/odds/movements' }))
        .statusCode,
    ).toBe(404);

    const live = await testApp.asAdmin({ method: 'GET', url: '/v1/matches/live' });
    expect(live.statusCode).toBe(200);
    const liveIds = live.json<Array<{ id: number }>>().map((m) => m.id);
    const [{ ids }] = await query<{ ids: number[] | null }>(
      testApp.databaseUrl,
      "select array_agg(id order by kickoff, id) as ids from matches where status = 'live'",
    );
    expect(liveIds).toEqual(ids ?? []);
  });

  it('records a source answering 503, HTML or garbage as a failed poll with its reason, and stores nothing', async () => {
    const answers: Array<[string, (response: ServerResponse) => void, RegExp]> = [
      [
        '503',
        (r) => {
          r.writeHead(503, { 'content-type': 'text/plain' });
          r.end('Service Unavailable');
        },
        /HTTP 503/,
      ],
      [
        'HTML',
        (r) => {
          r.writeHead(200, { 'content-type': 'text/html' });
          r.end('<!doctype html><html><body>Maintenance</body></html>');
        },
        /HTML page/,
      ],
      [
        'HTML labelled JSON',
        (r) => {
          r.writeHead(200, { 'content-type': 'application/json' });
          r.end('<html><body>Error 502 from the upstream</body></html>');
        },
        /HTML page/,
      ],
      [
        'garbage',
        (r) => {
          r.writeHead(200, { 'content-type': 'application/json' });
          r.end('\u0000\u0001garbage{{{');
        },
        /not JSON/,
      ],
      ['another document', (r) => sendJson(r, { data: [1, 2, 3] }), /not a virtual league feed/],
    ];
    let requests = broken.requests;
    for (const [what, answer, reason] of answers) {
      broken.setHandler((_request, response) => answer(response));
      const result = await poll('broken');
      expect([what, result.outcome]).toEqual([what, 'failed']);
      expect(result.reason).toMatch(reason);
      // Answers that are not data are retried (retries: 1); a body that does not parse is not.
      const expectedAttempts = ['503', 'HTML', 'HTML labelled JSON'].includes(what) ? 2 : 1;
      expect([what, result.attempts, broken.requests - requests]).toEqual([
        what,
        expectedAttempts,
        expectedAttempts,
      ]);
      requests = broken.requests;
    }
    const [{ count }] = await query<{ count: string }>(
      testApp.databaseUrl,
      "select count(*) from match_source_refs where source = 'collector:broken'",
    );
    expect(Number(count)).toBe(0);

    const sources = (await testApp.asAdmin({ method: 'GET', url: '/v1/collector/sources' })).json<
      SourceView[]
    >();
    const state = sources.find((s) => s.id === 'broken')!;
    expect(state).toMatchObject({
      provider: 'virtual-league',
      configured: true,
      pollsFailed: 5,
      pollsSucceeded: 0,
      lastSuccessAt: null,
      lastError: expect.stringMatching(/not a virtual league feed/),
      breaker: { state: 'open', consecutiveFailures: 5, failureThreshold: 3 },
    });
    const vl = sources.find((s) => s.id === 'vl')!;
    expect(vl).toMatchObject({ lastError: null, breaker: { state: 'closed' } });
    expect(vl.pollsSucceeded).toBeGreaterThan(15);
    expect(vl.lastCounts.rowsRead).toBeGreaterThan(0);

    const polls = await testApp.asAdmin({
      method: 'GET',
      url: '/v1/collector/sources/broken/polls?limit=2',
    });
    expect(
      polls.json().map((p: { outcome: string; trigger: string }) => [p.outcome, p.trigger]),
    ).toEqual([
      ['failed', 'manual'],
      ['failed', 'manual'],
    ]);
  });

  it('closes the breaker when a trial poll succeeds, and counts polls in the metrics', async () => {
    broken.setHandler((_request, response) =>
      sendJson(response, {
        league: { code: 'generated/virtual-league', name: 'G', country: 'G' },
        matches: [],
      }),
    );
    expect(await poll('broken')).toMatchObject({ outcome: 'succeeded' });
    const sources = (await testApp.asAdmin({ method: 'GET', url: '/v1/collector/sources' })).json<
      SourceView[]
    >();
    expect(sources.find((s) => s.id === 'broken')!.breaker).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
    });

    const metrics = parseSamples(
      (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body,
    );
    const value = (name: string, labels: Record<string, string>) => valueOf(metrics, name, labels);
    expect(value('oracxpred_collector_polls_total', { source: 'broken', outcome: 'failed' })).toBe(
      5,
    );
    expect(
      value('oracxpred_collector_polls_total', { source: 'broken', outcome: 'succeeded' }),
    ).toBe(1);
    expect(value('oracxpred_collector_breaker_state', { source: 'broken' })).toBe(0);
    expect(
      value('oracxpred_collector_poll_duration_seconds_count', {
        source: 'vl',
        outcome: 'succeeded',
      }),
    ).toBeGreaterThan(15);
  });

  it('never moves a finished match back, and announces a corrected result again', async () => {
    const document = (status: string, home: number, away: number) => ({
      league: {
        code: 'generated/virtual-league',
        name: 'Generated Virtual League',
        country: 'Generated',
      },
      generatedAt: new Date().toISOString(),
      matches: [
        {
          id: 'corrected-1',
          season: 'virtual-1',
          round: 1,
          kickoff: '2026-03-01T15:00:00.000Z',
          home: 'Correction Town',
          away: 'Lagging Rovers',
          status,
          minute: status === 'live' ? 80 : null,
          score: { home, away, halfTimeHome: 0, halfTimeAway: 0 },
          odds: null,
        },
      ],
    });
    const announced: number[] = [];
    testApp.app.get(DomainEvents).on('match.finished', ({ matchIds }) => {
      announced.push(...matchIds);
    });
    const stored = async () =>
      (
        await query<{ id: number; status: string; home_goals: number; away_goals: number }>(
          testApp.databaseUrl,
          `select m.id, m.status::text, m.home_goals, m.away_goals from matches m
           join match_source_refs r on r.match_id = m.id where r.source_key = 'corrected-1'`,
        )
      )[0];
    const serve = async (status: string, home: number, away: number) => {
      broken.setHandler((_request, response) => sendJson(response, document(status, home, away)));
      expect((await poll('broken')).outcome).toBe('succeeded');
      return stored();
    };
    const first = await serve('finished', 1, 0);
    expect(first).toMatchObject({ status: 'finished', home_goals: 1, away_goals: 0 });
    // A lagging answer (still live, an older score) changes nothing and announces nothing.
    expect(await serve('live', 1, 1)).toMatchObject({
      status: 'finished',
      home_goals: 1,
      away_goals: 0,
    });
    expect(await serve('scheduled', 0, 0)).toMatchObject({ status: 'finished', home_goals: 1 });
    expect(announced).toEqual([]);
    // A corrected result is stored and announced, so its predictions are scored again.
    expect(await serve('finished', 2, 0)).toMatchObject({ status: 'finished', home_goals: 2 });
    expect(announced).toEqual([first.id]);
  });

  it('collects football-data.co.uk: fixtures with moving prices from the fixtures file, then the result', async () => {
    const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,AvgH,AvgD,AvgA,AvgCH,AvgCD,AvgCA';
    const fixture = (prices: string) =>
      `Div,Date,Time,HomeTeam,AwayTeam,AvgH,AvgD,AvgA\nE0,20/12/2036,15:00,Arsenal,Wolves,${prices}\n`;
    files.season = `${header}\nE0,16/08/2024,20:00,Man United,Fulham,1,0,H,1.68,4.32,5.03,1.60,4.40,5.50\n`;
    files.fixtures = fixture('1.30,5.50,9.50');
    expect(await poll('fd')).toMatchObject({ outcome: 'succeeded', attempts: 2 });
    files.fixtures = fixture('1.25,5.80,10.50');
    expect((await poll('fd')).outcome).toBe('succeeded');
    // The same bytes again (the source sends no validators): nothing is parsed or written.
    expect(await poll('fd')).toMatchObject({ outcome: 'unchanged', attempts: 2 });

    const odds = () =>
      query<{ status: string; phase: string; prices: Record<string, number> }>(
        testApp.databaseUrl,
        `select m.status::text, o.phase::text, o.prices from matches m
         join match_source_refs r on r.match_id = m.id
         left join odds_snapshots o on o.match_id = m.id
         where r.source = 'football-data.co.uk' and r.source_key like 'E0:2036-12-20:%'
         order by o.phase`,
      );
    expect(await odds()).toEqual([
      { status: 'scheduled', phase: 'opening', prices: { home: 1.3, draw: 5.5, away: 9.5 } },
      { status: 'scheduled', phase: 'closing', prices: { home: 1.25, draw: 5.8, away: 10.5 } },
    ]);
    const movements = await query<{ prices: Record<string, number> }>(
      testApp.databaseUrl,
      `select o.prices from odds_movements o where o.source = 'football-data.co.uk' order by o.id`,
    );
    expect(movements.map((m) => m.prices.home)).toEqual([1.3, 1.25]);

    // The match is played: the season file has the result, the fixtures file no longer lists it.
    files.season += 'E0,20/12/2036,15:00,Arsenal,Wolves,2,1,H,1.30,5.50,9.50,1.25,5.80,10.50\n';
    files.fixtures = 'Div,Date,Time,HomeTeam,AwayTeam,AvgH,AvgD,AvgA\n';
    expect((await poll('fd')).outcome).toBe('succeeded');
    const after = await odds();
    expect(after.every((row) => row.status === 'finished')).toBe(true);
    const [{ matches }] = await query<{ matches: string }>(
      testApp.databaseUrl,
      "select count(*) as matches from match_source_refs where source = 'football-data.co.uk'",
    );
    expect(Number(matches)).toBe(2);
  });

  it('reads a source again only when it changed: 304 to its validators, or the same bytes', async () => {
    const sources = async () =>
      (await testApp.asAdmin({ url: '/v1/collector/sources' })).json<
        Array<SourceView & { pollsSucceeded: number; lastCounts: Record<string, number> }>
      >();
    const fd = async () => (await sources()).find((source) => source.id === 'fd')!;
    const before = await fd();
    const asked = () => footballDataRequests.splice(0);
    asked();

    // The source starts sending ETags: same bytes, so unchanged, and its ETags are kept.
    sendEtags = true;
    expect(await poll('fd')).toMatchObject({ outcome: 'unchanged', attempts: 2 });
    expect(asked().map((r) => r.status)).toEqual([200, 200]);
    // Next time the poll asks conditionally and the source answers 304 without a body.
    expect(await poll('fd')).toMatchObject({ outcome: 'unchanged', attempts: 2 });
    const conditional = asked();
    expect(conditional.map((r) => r.status)).toEqual([304, 304]);
    expect(conditional.every((r) => r.ifNoneMatch?.startsWith('"'))).toBe(true);
    // Validators are kept by position: a feed URL (which may carry an API key) is not stored.
    const [{ validators }] = await query<{ validators: string }>(
      testApp.databaseUrl,
      "select feed_validators::text as validators from collector_sources where id = 'fd'",
    );
    expect(validators).toMatch(/"etag"/);
    expect(validators).not.toContain(new URL(footballData.url).host);
    const unchanged = await fd();
    expect(unchanged.pollsSucceeded).toBe(before.pollsSucceeded + 2);
    expect(unchanged.lastCounts).toEqual(before.lastCounts);
    expect(unchanged.breaker).toMatchObject({ state: 'closed', consecutiveFailures: 0 });

    // One file changes: the provider reads both files together, so the one that answered 304
    // is read again without conditions.
    files.fixtures =
      'Div,Date,Time,HomeTeam,AwayTeam,AvgH,AvgD,AvgA\nE0,27/12/2036,15:00,Wolves,Arsenal,4.10,3.60,1.90\n';
    expect(await poll('fd')).toMatchObject({ outcome: 'succeeded', attempts: 3 });
    expect(asked().map((r) => `${r.file} ${r.status}`)).toEqual([
      'season 304',
      'fixtures 200',
      'season 200',
    ]);
    const [{ stored }] = await query<{ stored: string }>(
      testApp.databaseUrl,
      `select count(*) as stored from match_source_refs
       where source = 'football-data.co.uk' and source_key like 'E0:2036-12-27:%'`,
    );
    expect(Number(stored)).toBe(1);
    expect((await fd()).lastCounts).toMatchObject({ rowsRead: 3, matchesInserted: 1 });

    const metrics = parseSamples(
      (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body,
    );
    expect(
      valueOf(metrics, 'oracxpred_collector_polls_total', { source: 'fd', outcome: 'unchanged' }),
    ).toBe(3);
    sendEtags = false;
  });

  it('moves a postponed football-data.co.uk fixture listed again on another day, as imports do', async () => {
    const stored = () =>
      query<{ id: number; kickoff: Date; source_key: string }>(
        testApp.databaseUrl,
        `select distinct m.id, m.kickoff, m.source_key from match_source_refs r
         join matches m on m.id = r.match_id
         where r.source = 'football-data.co.uk' and r.source_key like 'E0:%:Wolves:Arsenal'`,
      );
    const [listed] = await stored();
    expect(listed.source_key).toBe('E0:2036-12-27:Wolves:Arsenal');
    files.fixtures =
      'Div,Date,Time,HomeTeam,AwayTeam,AvgH,AvgD,AvgA\nE0,10/01/2037,20:00,Wolves,Arsenal,4.10,3.60,1.90\n';
    expect(await poll('fd')).toMatchObject({
      outcome: 'succeeded',
      counts: { matchesInserted: 0, matchesUpdated: 1 },
    });
    expect(await stored()).toEqual([
      {
        id: listed.id,
        kickoff: new Date('2037-01-10T20:00:00Z'),
        source_key: 'E0:2037-01-10:Wolves:Arsenal',
      },
    ]);
  });

  it('rejects the rows the database would refuse, stores the good ones, and fails a poll on a bad league', async () => {
    const league = { code: 'generated/virtual-league', name: 'Generated Virtual League' };
    const row = (id: string, overrides: Record<string, unknown> = {}) => ({
      id,
      season: 'virtual-1',
      round: 1,
      kickoff: '2026-04-01T15:00:00.000Z',
      home: `${id} Home`,
      away: `${id} Away`,
      status: 'live',
      minute: 10,
      score: { home: 1, away: 0, halfTimeHome: 0, halfTimeAway: 0 },
      odds: null,
      ...overrides,
    });
    const score = (home: unknown, halfTimeHome: unknown = 0) => ({
      score: { home, away: 0, halfTimeHome, halfTimeAway: 0 },
    });
    const bad = [
      row('nul-team', { home: 'Nul\u0000Town' }),
      row('nul-\u0000id'),
      row('long-team', { home: 'x'.repeat(300) }),
      row('same-team', { home: 'Mirror FC', away: 'MIRROR FC' }),
      row('blank-team', { home: ' ' }),
      row(''),
      row('negative', score(-1)),
      row('huge', score(100_000)),
      row('half-time', score(1, 'x')),
      row('far-future', { kickoff: '+099999-01-01T00:00:00.000Z' }),
      row('number-kickoff', { kickoff: 1 }),
      row('no-season', { season: null }),
    ];
    const before = await pollsFailedOf('broken');
    broken.setHandler((_request, response) =>
      sendJson(response, { league, matches: [row('good-row'), ...bad] }),
    );
    const result = await poll('broken');
    expect(result).toMatchObject({ outcome: 'succeeded' });
    expect(result.reason).toMatch(/^12 row\(s\) rejected, e.g. row 2: /);
    const keys = await query<{ source_key: string }>(
      testApp.databaseUrl,
      `select r.source_key from match_source_refs r where r.source = 'collector:broken'
        and r.source_key not in ('corrected-1')`,
    );
    expect(keys.map((k) => k.source_key)).toEqual(['good-row']);
    const [{ teams }] = await query<{ teams: string }>(
      testApp.databaseUrl,
      `select count(*) as teams from teams where name ilike 'mirror fc' or name = ' '`,
    );
    expect(Number(teams)).toBe(0);

    // Only bad rows, or a league the database cannot store: a failed poll, recorded as such.
    for (const document of [
      { league, matches: bad },
      { league: { code: 'generated/virtual-league' }, matches: [row('good-row')] },
      { league: { ...league, name: 'Nul\u0000League' }, matches: [row('good-row')] },
    ]) {
      broken.setHandler((_request, response) => sendJson(response, document));
      expect(await poll('broken')).toMatchObject({ outcome: 'failed' });
    }
    expect(await pollsFailedOf('broken')).toBe(before + 3);
  });

  it('serves no virtual league feed unless switched on (off in tests and production)', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/virtual-league/feed' });
    expect(response.statusCode).toBe(404);
    expect(response.json().detail).toMatch(/VIRTUAL_LEAGUE/);
  });

  it('audits a poll-now, refuses unknown sources, and keeps it to admins', async () => {
    expect(
      (await testApp.asAdmin({ method: 'POST', url: '/v1/collector/sources/nope/poll' }))
        .statusCode,
    ).toBe(404);
    const audit = await testApp.asAdmin({ method: 'GET', url: '/v1/audit?pageSize=100' });
    const actions = audit.json<Array<{ action: string; target: unknown }>>();
    expect(actions.some((a) => a.action === 'POST /v1/collector/sources/:id/poll')).toBe(true);
    expect(
      (await testApp.app.inject({ method: 'GET', url: '/v1/collector/sources' })).statusCode,
    ).toBe(401);
  });
});
