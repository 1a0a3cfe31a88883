import { SOURCE_DEFAULTS, type CollectorSourceConfig } from '../../config/collector-sources';
import { VirtualLeague } from '../virtual-league/virtual-league';
import { FeedRefused } from './feed-provider';
import { FootballDataProvider } from './football-data-provider';
import { JsonFeedProvider, valueAt } from './json-feed-provider';
import { VirtualLeagueProvider } from './virtual-league-provider';

const source = (overrides: Partial<CollectorSourceConfig>): CollectorSourceConfig => ({
  ...SOURCE_DEFAULTS,
  id: 'test-feed',
  provider: 'json',
  url: 'http://feed.invalid/matches',
  ...overrides,
});
const body = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('FootballDataProvider', () => {
  const provider = new FootballDataProvider();
  const season =
    'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,AvgH,AvgD,AvgA,AvgCH,AvgCD,AvgCA\n' +
    'E0,16/08/2024,20:00,Man United,Fulham,1,0,H,1.68,4.32,5.03,1.60,4.40,5.50\n';
  const fixtures =
    'Div,Date,Time,HomeTeam,AwayTeam,AvgH,AvgD,AvgA\n' +
    'E0,21/12/2030,15:00,Arsenal,Wolves,1.30,5.50,9.50\n';

  it('fetches the season file and the fixtures file when both are configured', () => {
    expect(provider.urls(source({ provider: 'football-data-co-uk' }))).toEqual([
      'http://feed.invalid/matches',
    ]);
    expect(
      provider.urls(
        source({ provider: 'football-data-co-uk', fixturesUrl: 'http://feed.invalid/fixtures' }),
      ),
    ).toEqual(['http://feed.invalid/matches', 'http://feed.invalid/fixtures']);
  });

  it("keeps results' opening and closing odds, and turns fixtures' prices into current quotes", () => {
    const result = provider.normalise([body(season), body(fixtures)]);
    expect(result.rowsRead).toBe(2);
    const [played, upcoming] = result.records;
    expect(played).toMatchObject({ status: 'finished', homeGoals: 1, awayGoals: 0 });
    expect(played.odds.map((o) => o.phase).sort()).toEqual(['closing', 'opening']);
    expect(played.source).toBe('football-data.co.uk'); // same keys as a file import
    expect(upcoming).toMatchObject({ status: 'scheduled', homeGoals: null, odds: [] });
    expect(upcoming.quotes).toEqual([
      { market: '1x2', bookmaker: 'market-average', prices: { home: 1.3, draw: 5.5, away: 9.5 } },
    ]);
  });

  it('refuses a body that is not a football-data file, or whose rows are all unreadable', () => {
    expect(() => provider.normalise([body('<<garbage>>\x00\x01')])).toThrow(FeedRefused);
    expect(() =>
      provider.normalise([body('Div,Date,HomeTeam,AwayTeam\nE0,99/99/2024,A,B\n')]),
    ).toThrow(/none of the 1 rows could be read/);
  });
});

describe('JsonFeedProvider', () => {
  const provider = new JsonFeedProvider();
  const feed = source({
    mapping: {
      matches: 'data.events',
      id: 'eventId',
      kickoff: 'startsAt',
      home: 'teams.home',
      away: 'teams.away',
      status: 'state',
      homeGoals: 'score.h',
      awayGoals: 'score.a',
      statusValues: { NS: 'scheduled', LIVE: 'live', FT: 'finished', PP: 'postponed' },
      odds: { home: 'prices.1', draw: 'prices.X', away: 'prices.2', bookmaker: 'feedbook' },
    },
    competition: { code: 'feed/league', name: 'Feed League', country: 'England' },
  });
  const event = (overrides: Record<string, unknown>) => ({
    eventId: 101,
    startsAt: '2030-05-01T14:00:00Z',
    teams: { home: 'Alpha', away: 'Beta' },
    state: 'NS',
    score: { h: null, a: null },
    prices: { '1': 2.1, X: 3.4, '2': 3.6 },
    ...overrides,
  });

  it('reads paths, including nested ones and the root', () => {
    expect(valueAt({ a: { b: [1] } }, 'a.b')).toEqual([1]);
    expect(valueAt([1], '')).toEqual([1]);
    expect(valueAt({ a: 1 }, 'a.b.c')).toBeUndefined();
  });

  it('maps fixtures with their current odds, live scores and results', () => {
    const result = provider.normalise(
      [
        body({
          data: {
            events: [
              event({}),
              event({ eventId: 102, state: 'LIVE', score: { h: 1, a: 0 } }),
              event({
                eventId: 103,
                startsAt: 1_900_000_000,
                state: 'FT',
                score: { h: '2', a: '2' },
              }),
            ],
          },
        }),
      ],
      feed,
    );
    expect(result.issues).toEqual([]);
    expect(result.records.map((r) => [r.sourceKey, r.status, r.homeGoals, r.awayGoals])).toEqual([
      ['101', 'scheduled', null, null],
      ['102', 'live', 1, 0],
      ['103', 'finished', 2, 2],
    ]);
    expect(result.records[0]).toMatchObject({
      source: 'collector:test-feed',
      competition: { code: 'feed/league', name: 'Feed League', country: 'England' },
      kickoff: new Date('2030-05-01T14:00:00Z'),
      quotes: [
        { market: '1x2', bookmaker: 'feedbook', prices: { home: 2.1, draw: 3.4, away: 3.6 } },
      ],
    });
    expect(result.records[1].quotes).toEqual([]); // no pre-match prices once it started
    expect(result.records[2].kickoff).toEqual(new Date(1_900_000_000_000));
  });

  it('reports bad rows and keeps the good ones; drops impossible odds with a warning', () => {
    const result = provider.normalise(
      [
        body({
          data: {
            events: [
              event({}),
              event({ eventId: 2, state: 'HALFTIME' }),
              event({ eventId: 3, startsAt: 'tomorrow' }),
              event({ eventId: 4, state: 'FT' }),
              event({ eventId: 5, prices: { '1': 1.01, X: 1.01, '2': 1.01 } }),
            ],
          },
        }),
      ],
      feed,
    );
    expect(result.records.map((r) => r.sourceKey)).toEqual(['101', '5']);
    expect(result.records[1].quotes).toEqual([]);
    expect(result.issues.map((i) => [i.line, i.column, i.severity])).toEqual([
      [2, 'status', 'error'],
      [3, 'kickoff', 'error'],
      [4, 'homeGoals', 'error'],
      [5, 'odds', 'warning'],
    ]);
  });

  it('rejects, as issues of their rows, values the database would refuse or that are not goals', () => {
    const result = provider.normalise(
      [
        body({
          data: {
            events: [
              event({}),
              event({ eventId: 2, teams: { home: 'Nul\u0000Town', away: 'Beta' } }),
              event({ eventId: 3, teams: { home: 'x'.repeat(256), away: 'Beta' } }),
              event({ eventId: 4, teams: { home: 'Same FC', away: 'SAME FC' } }),
              event({ eventId: 5, startsAt: 1e20 }),
              event({ eventId: 6, startsAt: 8.64e15 }),
              event({ eventId: 7, state: 'LIVE', score: { h: true, a: 0 } }),
              event({ eventId: 8, state: 'LIVE', score: { h: 1, a: ' ' } }),
              event({ eventId: 9, state: 'LIVE', score: { h: [2], a: 0 } }),
            ],
          },
        }),
      ],
      feed,
    );
    expect(result.records.map((r) => r.sourceKey)).toEqual(['101']);
    // (A live match's bad score is also reported as a missing one.)
    expect([...new Set(result.issues.map((i) => `${i.line} ${i.column}`))]).toEqual([
      '2 home',
      '3 home',
      '4 away',
      '5 kickoff',
      '6 kickoff',
      '7 homeGoals',
      '8 homeGoals',
      '9 homeGoals',
    ]);
  });

  it('reads a body that starts with a UTF-8 byte order mark, as CSV sources are read', () => {
    const document = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      body({ data: { events: [event({})] } }),
    ]);
    expect(provider.normalise([document], feed).records.map((r) => r.sourceKey)).toEqual(['101']);
    const virtual = new VirtualLeagueProvider();
    const league = { league: { code: 'x/y', name: 'X' }, matches: [] };
    expect(
      virtual.normalise([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body(league)])], feed)
        .records,
    ).toEqual([]);
  });

  it('refuses garbage, a document without the array, and rows none of which can be read', () => {
    expect(() => provider.normalise([body('garbage{')], feed)).toThrow(/not JSON/);
    expect(() => provider.normalise([body({ data: {} })], feed)).toThrow(/no array of matches/);
    expect(() => provider.normalise([body({ data: { events: [{}, {}] } })], feed)).toThrow(
      /none of the 2 rows/,
    );
    // An empty list is a quiet feed, not a broken one.
    expect(provider.normalise([body({ data: { events: [] } })], feed).records).toEqual([]);
  });
});

describe('VirtualLeagueProvider', () => {
  const provider = new VirtualLeagueProvider();
  const league = new VirtualLeague({
    seed: 3,
    epoch: Date.UTC(2030, 0, 1),
    kickoffIntervalMs: 60_000,
    matchDurationMs: 120_000,
    publishLeadMs: 600_000,
    retentionMs: 600_000,
  });
  const virtual = source({ id: 'virtual-league', provider: 'virtual-league' });

  it("normalises the league's feed: fixtures with every market, live scores, results", () => {
    const document = league.feed(Date.UTC(2030, 0, 1, 0, 5));
    const result = provider.normalise([body(document)], virtual);
    expect(result.issues).toEqual([]);
    expect(result.records).toHaveLength(document.matches.length);
    const statuses = new Set(result.records.map((r) => r.status));
    expect(statuses).toEqual(new Set(['scheduled', 'live', 'finished']));
    const fixture = result.records.find((r) => r.status === 'scheduled')!;
    expect(fixture.quotes!.map((q) => q.market)).toEqual(['1x2', 'ou25', 'btts']);
    expect(fixture.competition).toEqual({
      code: 'generated/virtual-league',
      name: 'Generated Virtual League',
      country: 'Generated',
    });
    const live = result.records.find((r) => r.status === 'live')!;
    expect(live.homeGoals).not.toBeNull();
    expect(live.quotes).toEqual([]);
  });

  it('rejects a half-time score above the full-time one, as file imports do', () => {
    const match = {
      id: 'ht',
      season: 'virtual-1',
      kickoff: '2030-01-01T15:00:00.000Z',
      home: 'Early Lead',
      away: 'Late Show',
      status: 'live',
      score: { home: 1, away: 0, halfTimeHome: 3, halfTimeAway: 0 },
      odds: null,
    };
    const document = {
      league: { code: 'x/y', name: 'X' },
      matches: [
        match,
        { ...match, id: 'ok', score: { home: 1, away: 0, halfTimeHome: 1, halfTimeAway: 0 } },
      ],
    };
    const result = provider.normalise([body(document)], virtual);
    expect(result.records.map((r) => r.sourceKey)).toEqual(['ok']);
    expect(result.issues).toEqual([
      expect.objectContaining({ line: 1, column: 'homeGoalsHalfTime', severity: 'error' }),
    ]);
  });

  it('refuses a document that is not the league feed', () => {
    expect(() => provider.normalise([body({ matches: [] })], virtual)).toThrow(FeedRefused);
    expect(() => provider.normalise([body('<html>')], virtual)).toThrow(/not JSON/);
  });
});
