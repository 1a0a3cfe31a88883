import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { MatchView } from '../src/matches/read/match.dto';
import { sharedDataPath } from './fixtures/shared-data';
import { query } from './support/databases';
import { startTestApp, TestApp } from './support/test-app';

/** The read API, compared with what the same question asked in SQL answers. */

const PREMIER_LEAGUE = 'england/premier-league';
const BUNDESLIGA = 'germany/bundesliga';
const PROBLEM_JSON = /^application\/problem\+json/;

/** Three fixtures without results, all at the same kick-off (status "scheduled", ties by kick-off). */
const SCHEDULED_FIXTURES = [
  'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA',
  'E0,07/06/2031,15:00,Arsenal,Chelsea,,,,,,,2.0,3.6,3.5',
  'E0,07/06/2031,15:00,Liverpool,Everton,,,,,,,1.5,4.2,6.0',
  'E0,07/06/2031,15:00,Man City,Tottenham,,,,,,,1.4,5.0,7.0',
  '',
].join('\n');

interface SqlFilter {
  competitionCode?: string;
  competitionId?: number;
  teamId?: number;
  season?: string;
  status?: string;
  from?: string;
  to?: string;
}

/** The WHERE clause equivalent to the API's filters. */
function sqlWhere(filter: SqlFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.competitionCode !== undefined) add((p) => `c.code = ${p}`, filter.competitionCode);
  if (filter.competitionId !== undefined)
    add((p) => `m.competition_id = ${p}`, filter.competitionId);
  if (filter.teamId !== undefined)
    add((p) => `${p} in (m.home_team_id, m.away_team_id)`, filter.teamId);
  if (filter.season !== undefined) add((p) => `m.season = ${p}`, filter.season);
  if (filter.status !== undefined) add((p) => `m.status = ${p}::match_status`, filter.status);
  if (filter.from !== undefined) add((p) => `m.kickoff >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) add((p) => `m.kickoff < ${p}::timestamptz`, filter.to);
  return { where: clauses.length ? `where ${clauses.join(' and ')}` : '', params };
}

function apiQuery(filter: SqlFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.competitionCode !== undefined) params.competition = filter.competitionCode;
  if (filter.competitionId !== undefined) params.competition = String(filter.competitionId);
  if (filter.teamId !== undefined) params.team = String(filter.teamId);
  if (filter.season !== undefined) params.season = filter.season;
  if (filter.status !== undefined) params.status = filter.status;
  if (filter.from !== undefined) params.from = filter.from;
  if (filter.to !== undefined) params.to = filter.to;
  return params;
}

function parseLinks(header: string | string[] | number | undefined): Record<string, URL> {
  expect(typeof header).toBe('string');
  const links: Record<string, URL> = {};
  for (const match of String(header).matchAll(/<([^>]+)>;\s*rel="([a-z]+)"/g)) {
    links[match[2]] = new URL(match[1], 'http://localhost');
  }
  return links;
}

function expectProblem(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
  const body = response.json();
  expect(body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.any(String),
    requestId: response.headers['x-request-id'],
  });
  return body as { detail: string; errors?: Array<{ field: string; reason: string }> };
}

describe('read API: competitions, teams, matches (PostgreSQL)', () => {
  let testApp: TestApp;
  let dbUrl: string;
  let ids: { premierLeague: number; bundesliga: number; manCity: number; nottingham: number };

  const get = (url: string, headers: Record<string, string> = {}) =>
    testApp.asAdmin({ method: 'GET', url, headers });

  const matchesUrl = (params: Record<string, string | number>) =>
    `/v1/matches?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;

  const sqlIds = async (
    filter: SqlFilter,
    sort: 'kickoff' | '-kickoff',
    limit: number,
    offset: number,
  ) => {
    const { where, params } = sqlWhere(filter);
    const direction = sort === '-kickoff' ? 'desc' : 'asc';
    const rows = await query<{ id: number }>(
      dbUrl,
      `select m.id from matches m join competitions c on c.id = m.competition_id ${where}
       order by m.kickoff ${direction}, m.id ${direction}
       limit ${limit} offset ${offset}`,
      params,
    );
    return rows.map((r) => r.id);
  };

  const sqlTotal = async (filter: SqlFilter) => {
    const { where, params } = sqlWhere(filter);
    const [{ n }] = await query<{ n: string }>(
      dbUrl,
      `select count(*) as n from matches m join competitions c on c.id = m.competition_id ${where}`,
      params,
    );
    return Number(n);
  };

  beforeAll(async () => {
    testApp = await startTestApp();
    dbUrl = testApp.databaseUrl;
    const ingestion = testApp.app.get(IngestionService);
    for (const file of ['england__premier-league.csv', 'germany__bundesliga.csv']) {
      const report = await ingestion.importContent(
        readFileSync(sharedDataPath('football', 'history', file)),
      );
      expect(report.outcome).toBe('committed');
    }
    const e0 = await ingestion.importContent(
      readFileSync(sharedDataPath('football', 'football-data-co-uk', 'E0.csv')),
    );
    expect(e0.counts.matchesUnchanged + e0.counts.matchesUpdated).toBeGreaterThan(0);
    const scheduled = await ingestion.importContent(SCHEDULED_FIXTURES);
    expect(scheduled.counts).toMatchObject({ matchesInserted: 3, teamsCreated: 0 });

    const competitions = await query<{ id: number; code: string }>(
      dbUrl,
      'select id, code from competitions',
    );
    const teams = await query<{ id: number; name: string }>(
      dbUrl,
      `select id, name from teams where name in ('Manchester City', 'Nottingham')`,
    );
    ids = {
      premierLeague: competitions.find((c) => c.code === PREMIER_LEAGUE)!.id,
      bundesliga: competitions.find((c) => c.code === BUNDESLIGA)!.id,
      manCity: teams.find((t) => t.name === 'Manchester City')!.id,
      nottingham: teams.find((t) => t.name === 'Nottingham')!.id,
    };
  });
  afterAll(() => testApp?.close());

  describe('GET /v1/matches: filters and sorting agree with SQL', () => {
    const cases: Array<[string, () => SqlFilter]> = [
      ['no filter', () => ({})],
      ['competition by code', () => ({ competitionCode: PREMIER_LEAGUE })],
      ['competition by id', () => ({ competitionId: ids.bundesliga })],
      ['team (home or away)', () => ({ teamId: ids.manCity })],
      ['season', () => ({ season: '2023-2024' })],
      ['status scheduled', () => ({ status: 'scheduled' })],
      [
        'status finished + competition',
        () => ({ status: 'finished', competitionCode: BUNDESLIGA }),
      ],
      ['from/to window', () => ({ from: '2020-01-01T00:00:00Z', to: '2020-03-01T00:00:00Z' })],
      ['from as a plain date', () => ({ from: '2025-05-01' })],
      [
        'everything combined',
        () => ({
          competitionCode: PREMIER_LEAGUE,
          teamId: ids.nottingham,
          season: '2024-2025',
          status: 'finished',
          from: '2024-10-01T00:00:00Z',
          to: '2025-04-01T00:00:00Z',
        }),
      ],
    ];

    it.each(cases)('%s', async (_name, filterOf) => {
      const filter = filterOf();
      const total = await sqlTotal(filter);
      expect(total).toBeGreaterThan(0);
      const lastPage = Math.ceil(total / 200);
      for (const sort of ['kickoff', '-kickoff'] as const) {
        // First, a middle and the last page (all of them when there are few).
        const pages = [...new Set([1, Math.ceil(lastPage / 2), lastPage])];
        for (const page of pages) {
          const response = await get(
            matchesUrl({ ...apiQuery(filter), sort, page, pageSize: 200 }),
          );
          expect(response.statusCode).toBe(200);
          const body = response.json();
          expect(body.total).toBe(total);
          expect(response.headers['x-total-count']).toBe(String(total));
          expect(body.items.map((m: { id: number }) => m.id)).toEqual(
            await sqlIds(filter, sort, 200, (page - 1) * 200),
          );
        }
      }
    });

    it('returns every item consistent with the filters it was asked for', async () => {
      const response = await get(
        matchesUrl({
          competition: PREMIER_LEAGUE,
          team: ids.manCity,
          season: '2024-2025',
          pageSize: 200,
        }),
      );
      const items = response.json().items as MatchView[];
      expect(items.length).toBe(38);
      for (const item of items) {
        expect(item.competition.code).toBe(PREMIER_LEAGUE);
        expect(item.season).toBe('2024-2025');
        expect([item.homeTeam.id, item.awayTeam.id]).toContain(ids.manCity);
      }
      const kickoffs = items.map((i) => i.kickoff);
      expect([...kickoffs].sort()).toEqual(kickoffs);
    });

    it('breaks kick-off ties by id, in the direction of the sort', async () => {
      const [tie] = await query<{ kickoff: Date; ids: number[] }>(
        dbUrl,
        `select kickoff, array_agg(id order by id) as ids from matches
         group by kickoff having count(*) >= 5 order by count(*) desc, kickoff limit 1`,
      );
      expect(tie.ids.length).toBeGreaterThanOrEqual(5);
      const window = {
        from: tie.kickoff.toISOString(),
        to: new Date(tie.kickoff.getTime() + 1).toISOString(),
        pageSize: 200,
      };
      const ascending = await get(matchesUrl({ ...window, sort: 'kickoff' }));
      expect(ascending.json().items.map((m: { id: number }) => m.id)).toEqual(tie.ids);
      const descending = await get(matchesUrl({ ...window, sort: '-kickoff' }));
      expect(descending.json().items.map((m: { id: number }) => m.id)).toEqual(
        [...tie.ids].reverse(),
      );
      // The same holds across a page boundary: two pages of 2 give the first four ids.
      const first = await get(matchesUrl({ ...window, pageSize: 2, page: 1 }));
      const second = await get(matchesUrl({ ...window, pageSize: 2, page: 2 }));
      expect(
        [...first.json().items, ...second.json().items].map((m: { id: number }) => m.id),
      ).toEqual(tie.ids.slice(0, 4));
    });

    it('sorts by kick-off ascending by default', async () => {
      const response = await get('/v1/matches?pageSize=20');
      expect(response.json().items.map((m: { id: number }) => m.id)).toEqual(
        await sqlIds({}, 'kickoff', 20, 0),
      );
    });

    it('answers an unknown competition code or id with a 400 naming the filter', async () => {
      for (const competition of ['atlantis/premier-league', '999999']) {
        const response = await get(matchesUrl({ competition }));
        expect(response.statusCode).toBe(400);
        expect(response.json().errors).toEqual([
          {
            field: 'competition',
            reason: `no competition "${competition}" (GET /v1/competitions lists their codes and ids)`,
          },
        ]);
      }
    });
  });

  describe('GET /v1/matches: pagination', () => {
    const filter = { competitionCode: PREMIER_LEAGUE, season: '2023-2024' };
    const pageUrl = (page: number) =>
      matchesUrl({ competition: PREMIER_LEAGUE, season: '2023-2024', page, pageSize: 50 });

    it('walks all pages to exactly the SQL result, the last page partial', async () => {
      expect(await sqlTotal(filter)).toBe(380);
      const all: number[] = [];
      for (let page = 1; page <= 8; page += 1) {
        const response = await get(pageUrl(page));
        expect(response.statusCode).toBe(200);
        const body = response.json();
        expect(body).toMatchObject({ page, pageSize: 50, total: 380 });
        expect(body.items).toHaveLength(page < 8 ? 50 : 30);
        all.push(...body.items.map((m: { id: number }) => m.id));
      }
      expect(all).toEqual(await sqlIds(filter, 'kickoff', 1000, 0));
      expect(new Set(all).size).toBe(380);
    });

    it('answers a page beyond the last with no items but the real total', async () => {
      const response = await get(pageUrl(9));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ items: [], page: 9, total: 380 });
      expect(response.headers['x-total-count']).toBe('380');
      const links = parseLinks(response.headers.link);
      expect(Object.keys(links).sort()).toEqual(['first', 'last', 'prev']);
      expect(links.prev.searchParams.get('page')).toBe('8');
      expect(links.last.searchParams.get('page')).toBe('8');
    });

    it.each([
      [1, { first: '1', next: '2', last: '8' }],
      [3, { first: '1', prev: '2', next: '4', last: '8' }],
      [8, { first: '1', prev: '7', last: '8' }],
    ])('gives RFC 8288 links on page %i that keep the filters', async (page, expected) => {
      const response = await get(pageUrl(page));
      expect(response.headers['x-total-count']).toBe('380');
      const links = parseLinks(response.headers.link);
      expect(
        Object.fromEntries(
          Object.entries(links).map(([rel, url]) => [rel, url.searchParams.get('page')]),
        ),
      ).toEqual(expected);
      for (const url of Object.values(links)) {
        expect(url.pathname).toBe('/v1/matches');
        expect(url.searchParams.get('competition')).toBe(PREMIER_LEAGUE);
        expect(url.searchParams.get('season')).toBe('2023-2024');
        expect(url.searchParams.get('pageSize')).toBe('50');
      }
    });

    it('lets a client follow the next link', async () => {
      const first = await get(pageUrl(1));
      const next = parseLinks(first.headers.link).next;
      const followed = await get(`${next.pathname}${next.search}`);
      expect(followed.statusCode).toBe(200);
      expect(followed.json().items.map((m: { id: number }) => m.id)).toEqual(
        await sqlIds(filter, 'kickoff', 50, 50),
      );
    });

    it('uses a page size of 50 by default', async () => {
      const response = await get('/v1/matches');
      expect(response.json()).toMatchObject({ page: 1, pageSize: 50 });
      expect(response.json().items).toHaveLength(50);
    });
  });

  describe('GET /v1/matches: invalid input is a 400 problem naming the field', () => {
    it.each([
      ['pageSize=201', 'pageSize'],
      ['pageSize=0', 'pageSize'],
      ['page=0', 'page'],
      ['page=two', 'page'],
      ['colour=red', 'colour'],
      ['from=not-a-date', 'from'],
      ['to=yesterday', 'to'],
      ['sort=name', 'sort'],
      ['status=abandoned', 'status'],
      ['team=abc', 'team'],
      // Number() reads these as 100, 16, 12 and 12: a page the client did not write.
      ['page=1e2', 'page'],
      ['page=0x10', 'page'],
      ['pageSize=%2012', 'pageSize'],
      ['team=12.0', 'team'],
      ['team=1e3', 'team'],
      // A well-formed id of no team: an empty page would read as "no matches".
      ['team=2000000000', 'team'],
      // Empty is not "every season", as an empty competition is not every competition.
      ['season=', 'season'],
      ['season=2024-2025&season=2023-2024', 'season'],
    ])('%s', async (params, field) => {
      const response = await get(`/v1/matches?${params}`);
      const body = expectProblem(response, 400);
      expect(body.errors?.[0]?.field).toBe(field);
      // Only that field is blamed (it may have several reasons).
      expect([...new Set(body.errors!.map((e) => e.field))]).toEqual([field]);
      expect(body.errors![0].reason).toEqual(expect.any(String));
    });
  });

  describe('GET /v1/matches/:id', () => {
    type OddsRow = {
      market: string;
      phase: string;
      bookmaker: string;
      source: string;
      prices: Record<string, number>;
    };
    const oddsOf = (matchId: number) =>
      query<OddsRow>(
        dbUrl,
        'select market::text, phase::text, bookmaker, source, prices from odds_snapshots where match_id = $1',
        [matchId],
      );
    const key = (o: OddsRow) => `${o.market}|${o.phase}|${o.bookmaker}|${o.source}`;
    const normalised = (odds: OddsRow[]) =>
      odds
        .map(({ market, phase, bookmaker, source, prices }) => ({
          market,
          phase,
          bookmaker,
          source,
          prices,
        }))
        .sort((a, b) => key(a).localeCompare(key(b)));

    it('returns a history match with its 1x2 opening and closing market averages', async () => {
      const [row] = await query<{
        id: number;
        home: string;
        away: string;
        home_goals: number;
        away_goals: number;
      }>(
        dbUrl,
        `select m.id, h.name as home, a.name as away, m.home_goals, m.away_goals from matches m
         join teams h on h.id = m.home_team_id join teams a on a.id = m.away_team_id
         where m.source_key = 'england/premier-league:2015-08-08:Manchester United:Tottenham'`,
      );
      expect(row).toBeDefined();
      const response = await get(`/v1/matches/${row.id}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        id: row.id,
        competition: { code: PREMIER_LEAGUE },
        season: '2015-2016',
        status: 'finished',
        homeTeam: { name: row.home },
        awayTeam: { name: row.away },
        homeGoals: row.home_goals,
        awayGoals: row.away_goals,
        source: 'history',
      });
      const oneXTwo = body.odds.filter((o: OddsRow) => o.market === '1x2');
      expect(oneXTwo.map((o: OddsRow) => `${o.phase}|${o.bookmaker}|${o.source}`).sort()).toEqual([
        'closing|market-average|history',
        'opening|market-average|history',
      ]);
      for (const odds of oneXTwo) {
        expect(Object.keys(odds.prices).sort()).toEqual(['away', 'draw', 'home']);
        expect(odds.capturedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      }
      expect(normalised(body.odds)).toEqual(normalised(await oddsOf(row.id)));
    });

    it('returns the odds of both sources for a match that E0.csv and the history file share', async () => {
      const [row] = await query<{ id: number }>(
        dbUrl,
        `select m.id from matches m where m.source = 'history' and exists (
           select 1 from match_source_refs r where r.match_id = m.id and r.source = 'football-data.co.uk')
         order by m.id limit 1`,
      );
      expect(row).toBeDefined();
      const response = await get(`/v1/matches/${row.id}`);
      expect(response.statusCode).toBe(200);
      const odds = response.json().odds as OddsRow[];
      const closing = odds.filter(
        (o) => o.market === '1x2' && o.phase === 'closing' && o.bookmaker === 'market-average',
      );
      expect(closing.map((o) => o.source).sort()).toEqual(['football-data.co.uk', 'history']);
      expect(new Set(odds.map((o) => o.source))).toEqual(
        new Set(['football-data.co.uk', 'history']),
      );
      expect(normalised(odds)).toEqual(normalised(await oddsOf(row.id)));
    });

    it('answers an unknown id with a 404 problem', async () => {
      const [{ max }] = await query<{ max: number }>(dbUrl, 'select max(id) as max from matches');
      const response = await get(`/v1/matches/${max + 1000}`);
      const body = expectProblem(response, 404);
      expect(body.detail).toContain(String(max + 1000));
      expect(response.json().instance).toBe(`/v1/matches/${max + 1000}`);
    });

    it.each(['abc', '1.5', '12abc'])(
      'answers the non-numeric id %s with a 400 problem',
      async (id) => {
        expectProblem(await get(`/v1/matches/${id}`), 400);
      },
    );
  });

  describe('GET /v1/competitions', () => {
    it('lists every competition with its seasons and match count, as SQL counts them', async () => {
      const response = await get('/v1/competitions');
      expect(response.statusCode).toBe(200);
      const expected = await query<{
        id: number;
        code: string;
        seasons: string[];
        match_count: string;
      }>(
        dbUrl,
        `select c.id, c.code, array_agg(distinct m.season order by m.season) as seasons, count(m.id) as match_count
         from competitions c join matches m on m.competition_id = c.id group by c.id order by c.code`,
      );
      const body = response.json() as Array<{
        id: number;
        code: string;
        seasons: string[];
        matchCount: number;
      }>;
      expect(
        body.map(({ id, code, seasons, matchCount }) => ({ id, code, seasons, matchCount })),
      ).toEqual(
        expected.map((r) => ({
          id: r.id,
          code: r.code,
          seasons: r.seasons,
          matchCount: Number(r.match_count),
        })),
      );
      expect(body.map((c) => c.code)).toEqual([PREMIER_LEAGUE, BUNDESLIGA].sort());
      const premierLeague = body.find((c) => c.code === PREMIER_LEAGUE)!;
      expect(premierLeague).toMatchObject({ name: 'Premier League', country: 'England' });
      expect(premierLeague.seasons).toContain('2009-2010');
      expect(premierLeague.seasons).toContain('2025-2026');
    });
  });

  describe('GET /v1/teams', () => {
    const searchIds = async (term: string) => {
      const response = await get(`/v1/teams?search=${encodeURIComponent(term)}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.total).toBe(body.items.length);
      expect(response.headers['x-total-count']).toBe(String(body.total));
      return body.items.map((t: { id: number }) => t.id) as number[];
    };

    it.each(['man city', 'MAN CITY', 'Man. City', 'man-city'])(
      'finds Manchester City through its curated alias with "%s"',
      async (term) => {
        const found = await searchIds(term);
        expect(found).toContain(ids.manCity);
        expect(found).toHaveLength(1);
      },
    );

    it.each(["nott'm", 'NOTT’M', 'nottm'])('finds Nottingham with "%s"', async (term) => {
      expect(await searchIds(term)).toEqual([ids.nottingham]);
    });

    it('finds teams by a part of their name and pages the list', async () => {
      const expected = await query<{ id: number }>(
        dbUrl,
        `select id from teams where merged_into_id is null and name ilike '%manchester%' order by name, id`,
      );
      expect(await searchIds('manchester')).toEqual(expected.map((t) => t.id));
      const response = await get('/v1/teams?pageSize=10&page=2');
      const [{ n }] = await query<{ n: string }>(
        dbUrl,
        'select count(*) as n from teams where merged_into_id is null',
      );
      expect(response.headers['x-total-count']).toBe(n);
      const names = await query<{ id: number }>(
        dbUrl,
        'select id from teams where merged_into_id is null order by name, id limit 10 offset 10',
      );
      expect(response.json().items.map((t: { id: number }) => t.id)).toEqual(
        names.map((t) => t.id),
      );
    });

    it('answers a search that matches nothing with an empty page', async () => {
      expect(await searchIds('zzz no such club')).toEqual([]);
    });

    it.each(['...', '-', ' - ', '%', '_', '%_%', '\\'])(
      'matches nothing with "%s" (nothing searchable, or only LIKE wildcards)',
      async (term) => {
        expect(await searchIds(term)).toEqual([]);
      },
    );

    it('returns one team with its aliases', async () => {
      const response = await get(`/v1/teams/${ids.manCity}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ id: ids.manCity, name: 'Manchester City', country: 'England' });
      expect(body.aliases.map((a: { alias: string }) => a.alias)).toEqual(
        expect.arrayContaining(['Manchester City', 'Man City']),
      );
      expectProblem(await get('/v1/teams/987654'), 404);
      expectProblem(await get('/v1/teams/city'), 400);
      expectProblem(await get('/v1/teams?pageSize=500'), 400);
    });
  });

  describe('GET /v1/matches/live', () => {
    it('lists matches being played, not ones a source left "live" days ago', async () => {
      const [playing, abandoned] = await sqlIds({ competitionId: ids.bundesliga }, 'kickoff', 2, 0);
      const original = await query<{ id: number; kickoff: Date; status: string }>(
        dbUrl,
        'select id, kickoff, status::text as status from matches where id in ($1, $2)',
        [playing, abandoned],
      );
      const setLive = (id: number, kickedOffAgo: string) =>
        query(
          dbUrl,
          `update matches set status = 'live', kickoff = now() - $2::interval where id = $1`,
          [id, kickedOffAgo],
        );
      try {
        await setLive(playing, '100 minutes');
        await setLive(abandoned, '3 days');
        const live = await get('/v1/matches/live');
        expect(live.statusCode).toBe(200);
        expect(live.json().map((m: MatchView) => m.id)).toEqual([playing]);
      } finally {
        for (const row of original) {
          await query(
            dbUrl,
            'update matches set status = $2::match_status, kickoff = $3 where id = $1',
            [row.id, row.status, row.kickoff],
          );
        }
      }
    });
  });

  describe('Swagger', () => {
    it.each(['/v1/matches', '/v1/teams'])(
      'documents the paging headers of %s that every 200 carries',
      async (path) => {
        const response = await get(`${path}?pageSize=1`);
        expect(response.headers['x-total-count']).toMatch(/^\d+$/);
        expect(response.headers.link).toContain('rel="last"');
        const docs = await testApp.app.inject({ method: 'GET', url: '/docs-json' });
        const headers = docs.json().paths[path].get.responses['200'].headers;
        expect(Object.keys(headers ?? {}).sort()).toEqual(['Link', 'X-Total-Count']);
        expect(headers['X-Total-Count'].schema).toEqual({ type: 'integer' });
      },
    );
  });

  describe('X-Request-Id', () => {
    it('is on every response, success or problem', async () => {
      for (const url of [
        '/v1/competitions',
        '/v1/matches?pageSize=1',
        '/v1/matches/abc',
        '/v1/matches/999999',
        '/v1/nowhere',
      ]) {
        const response = await get(url);
        expect(response.headers['x-request-id']).toEqual(expect.stringMatching(/^[\w.:-]{1,128}$/));
      }
      const a = await get('/v1/competitions');
      const b = await get('/v1/competitions');
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('echoes a valid given id, also as requestId in problem bodies', async () => {
      const ok = await get('/v1/competitions', { 'x-request-id': 'client-trace.42:a_b-c' });
      expect(ok.headers['x-request-id']).toBe('client-trace.42:a_b-c');
      const problem = await get('/v1/matches?pageSize=201', { 'x-request-id': 'trace-400' });
      expect(problem.headers['x-request-id']).toBe('trace-400');
      expect(expectProblem(problem, 400)).toMatchObject({ requestId: 'trace-400' });
      const missing = await get('/v1/matches/999999', { 'x-request-id': 'trace-404' });
      expect(expectProblem(missing, 404)).toMatchObject({ requestId: 'trace-404' });
    });

    it('replaces an unsafe given id with a fresh one', async () => {
      for (const given of ['has spaces in it', 'x'.repeat(129), '<script>']) {
        const response = await get('/v1/matches/999999', { 'x-request-id': given });
        const id = response.headers['x-request-id'];
        expect(id).not.toBe(given);
        expect(id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
        expect(response.json().requestId).toBe(id);
      }
    });
  });
});
