import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { DomainEvents } from '../src/common/events/domain-events';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { sharedDataPath } from './fixtures/shared-data';
import { query } from './support/databases';
import { uploadImport, waitForImport } from './support/imports';
import { e0File } from './support/team-merges';
import { startTestApp, TestApp } from './support/test-app';

/** Admin edits of teams (aliases, merges) and how later imports see them. */

/** The history file's own header, so a row can be written in that format. */
const HISTORY_HEADER =
  'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG,HTHG,HTAG,home_close,home_open,draw_close,draw_open,' +
  'away_close,away_open,over_2.5_close,over_2.5_open,under_2.5_close,under_2.5_open,bts_yes_close,bts_yes_open,' +
  'bts_no_close,bts_no_open';

function expectProblem(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(body.requestId).toBe(response.headers['x-request-id']);
  return body as { detail: string; errors?: Array<{ field: string; reason: string }> };
}

describe('team administration: aliases and merges (PostgreSQL)', () => {
  let testApp: TestApp;
  let dbUrl: string;
  let ingestion: IngestionService;
  const team: Record<string, number> = {};

  const post = (url: string, payload: unknown) =>
    testApp.asAdmin({ method: 'POST', url, payload: payload as object });
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await query<{ n: string }>(dbUrl, sql, params))[0].n);
  const teamCount = () => count('select count(*) as n from teams');
  const aliasCount = () => count('select count(*) as n from team_aliases');

  beforeAll(async () => {
    testApp = await startTestApp();
    dbUrl = testApp.databaseUrl;
    ingestion = testApp.app.get(IngestionService);
    const report = await ingestion.importContent(
      readFileSync(sharedDataPath('football', 'history', 'england__premier-league.csv')),
    );
    expect(report.outcome).toBe('committed');
    const rows = await query<{ id: number; name: string }>(
      dbUrl,
      `select id, name from teams where name in
         ('Arsenal', 'Chelsea', 'Everton', 'Liverpool', 'Brighton', 'Manchester City', 'Tottenham')`,
    );
    for (const row of rows) team[row.name] = row.id;
    expect(Object.keys(team)).toHaveLength(7);
  });
  afterAll(() => testApp?.close());

  describe('POST /v1/teams/:id/aliases', () => {
    it('adds a spelling that a later import then resolves to the team', async () => {
      const response = await post(`/v1/teams/${team.Arsenal}/aliases`, { alias: 'The Gunners' });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ id: team.Arsenal, name: 'Arsenal' });
      expect(response.json().aliases).toContainEqual(
        expect.objectContaining({ alias: 'The Gunners', origin: 'admin' }),
      );
      const [stored] = await query<{ team_id: number; origin: string }>(
        dbUrl,
        `select team_id, origin from team_aliases where normalised_key = 'the gunners'`,
      );
      expect(stored).toEqual({ team_id: team.Arsenal, origin: 'admin' });

      // Another case and punctuation: the same normalised spelling.
      const teamsBefore = await teamCount();
      const report = await ingestion.importContent(
        e0File('E0,05/07/2031,15:00,THE GUNNERS!,Chelsea,1,0,H,0,0,D,2.0,3.5,3.8'),
      );
      expect(report.outcome).toBe('committed');
      expect(report.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 0, rowsRejected: 0 });
      expect(report.newTeams).toEqual([]);
      expect(await teamCount()).toBe(teamsBefore);
      const [match] = await query<{ home_team_id: number; away_team_id: number }>(
        dbUrl,
        `select home_team_id, away_team_id from matches where match_date = '2031-07-05'`,
      );
      expect(match).toEqual({ home_team_id: team.Arsenal, away_team_id: team.Chelsea });
    });

    it.each([
      ['a spelling another team has', 'Chelsea', 'the-gunners'],
      ['a canonical name of another team', 'Arsenal', 'Chelsea'],
      ['the same spelling again, differently written', 'Arsenal', ' the GUNNERS '],
    ])('refuses %s with 409', async (_case, owner, alias) => {
      const aliasesBefore = await aliasCount();
      const body = expectProblem(await post(`/v1/teams/${team[owner]}/aliases`, { alias }), 409);
      expect(body.detail).toMatch(/already names team \d+/);
      expect(await aliasCount()).toBe(aliasesBefore);
    });

    it('refuses a spelling the curated table gives to another team (it would hijack future imports)', async () => {
      // "Man City" is curated for Manchester City but is stored only once an import uses it.
      const aliasesBefore = await aliasCount();
      const body = expectProblem(
        await post(`/v1/teams/${team.Arsenal}/aliases`, { alias: 'Man City' }),
        409,
      );
      expect(body.detail).toContain('Manchester City');
      expect(await aliasCount()).toBe(aliasesBefore);
      const report = await ingestion.importContent(
        e0File('E0,12/07/2031,15:00,Man City,Tottenham,2,0,H,1,0,H,1.4,5.0,7.0'),
      );
      expect(report.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 0 });
      const [match] = await query<{ home_team_id: number }>(
        dbUrl,
        `select home_team_id from matches where match_date = '2031-07-12'`,
      );
      expect(match.home_team_id).toBe(team['Manchester City']);
    });

    it.each([
      [{}, 'alias'],
      [{ alias: '' }, 'alias'],
      [{ alias: 42 }, 'alias'],
      [{ alias: 'x'.repeat(121) }, 'alias'],
      [{ alias: '---' }, 'alias'],
      [{ alias: '   ' }, 'alias'],
      [{ alias: 'Gooners', origin: 'curated' }, 'origin'],
    ])('answers the invalid body %j with 400 naming %s', async (payload, field) => {
      const aliasesBefore = await aliasCount();
      const body = expectProblem(await post(`/v1/teams/${team.Arsenal}/aliases`, payload), 400);
      expect(body.errors?.map((e) => e.field)).toContain(field);
      expect(await aliasCount()).toBe(aliasesBefore);
    });

    it('refuses a spelling with a lone UTF-16 surrogate (not Unicode); audits a refused one cut as text', async () => {
      // JSON may escape half a surrogate pair; jsonb (the audit entry's details) refuses one.
      const lastAliasEntry = async () =>
        (
          await testApp.asAdmin({
            method: 'GET',
            url: `/v1/audit?action=${encodeURIComponent('POST /v1/teams/:id/aliases')}`,
          })
        ).json()[0];
      const entryBefore = await lastAliasEntry();
      const response = await post(`/v1/teams/${team.Brighton}/aliases`, {
        alias: 'Brighton \ud83c Seagulls',
      });
      expectProblem(response, 400);
      expect(JSON.stringify(response.json())).toContain('alias');
      expect(
        await count(`select count(*) as n from team_aliases where alias like 'Brighton %Seagulls'`),
      ).toBe(0);
      // Refused before authentication (as NUL is, by the input guards), so not an admin action.
      expect(await lastAliasEntry()).toEqual(entryBefore);
      // A refused spelling is audited cut to 200 characters: the cut splits a pair here.
      const tooLong = `${'x'.repeat(199)}\ud83c\udfc6`;
      expectProblem(await post(`/v1/teams/${team.Brighton}/aliases`, { alias: tooLong }), 400);
      expect(await lastAliasEntry()).toMatchObject({
        outcome: 'failure',
        details: { status: 400, body: { alias: `${'x'.repeat(199)}\ufffd` } },
      });
    });

    it('answers an unknown team with 404 and a non-numeric id with 400', async () => {
      expectProblem(await post('/v1/teams/987654/aliases', { alias: 'Nobody FC' }), 404);
      expectProblem(await post('/v1/teams/arsenal/aliases', { alias: 'Nobody FC' }), 400);
      expect(
        await count(`select count(*) as n from team_aliases where normalised_key = 'nobody fc'`),
      ).toBe(0);
    });
  });

  describe('POST /v1/teams/:id/merge', () => {
    // "Arsenal FC" is no known spelling; the dates are ones where Arsenal has no match at all.
    const unknownSpelling = e0File(
      'E0,09/08/2031,15:00,Arsenal FC,Chelsea,1,0,H,1,0,H,1.9,3.6,4.1',
      'E0,16/08/2031,15:00,Everton,Arsenal FC,0,2,A,0,1,A,4.4,3.8,1.8',
      'E0,23/08/2031,17:30,Arsenal FC,Liverpool,1,1,D,0,0,D,2.6,3.4,2.7',
    );
    let newTeamId: number;

    it('creates and reports a new team, with the real one among its suggestions', async () => {
      const teamsBefore = await teamCount();
      const response = await uploadImport(testApp.asAdmin, unknownSpelling, 'unknown-spelling.csv');
      expect(response.statusCode).toBe(202);
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run.status).toBe('succeeded');
      expect(run.counts).toMatchObject({ matchesInserted: 3, teamsCreated: 1, rowsRejected: 0 });
      expect(run.newTeams).toHaveLength(1);
      const [report] = run.newTeams;
      expect(report.name).toBe('Arsenal FC');
      expect(report.suggestions).toContainEqual(
        expect.objectContaining({
          teamId: team.Arsenal,
          name: 'Arsenal',
          score: expect.any(Number),
        }),
      );
      expect(report.suggestions[0].teamId).toBe(team.Arsenal);
      newTeamId = report.teamId;
      expect(newTeamId).not.toBe(team.Arsenal);
      expect(await teamCount()).toBe(teamsBefore + 1);
      expect(
        await count('select count(*) as n from matches where $1 in (home_team_id, away_team_id)', [
          newTeamId,
        ]),
      ).toBe(3);
      expect(
        await count(
          `select count(*) as n from matches where home_team_id = $1 and match_date >= '2031-08-01'`,
          [team.Arsenal],
        ),
      ).toBe(0);
    });

    it('has the real team play the same fixture on the same day under its own name', async () => {
      // Same match as "Arsenal FC v Chelsea" on 09/08/2031, from another source at another time.
      const history = [
        HISTORY_HEADER,
        '2031-08-09 16:30:00,england,premier-league,2031-2032,Arsenal,Chelsea,1,0,1,0,1.95,1.9,3.5,3.6,4.0,4.1,,,,,,,,',
        '',
      ].join('\n');
      const report = await ingestion.importContent(history);
      expect(report.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 0, rowsRejected: 0 });
      expect(
        await count(
          `select count(*) as n from matches where away_team_id = $1 and match_date = '2031-08-09'`,
          [team.Chelsea],
        ),
      ).toBe(2);
    });

    it('moves the matches onto the real team and folds the duplicate fixture', async () => {
      const [kept] = await query<{ id: number }>(
        dbUrl,
        `select id from matches where home_team_id = $1 and match_date = '2031-08-09'`,
        [team.Arsenal],
      );
      const response = await post(`/v1/teams/${newTeamId}/merge`, { intoTeamId: team.Arsenal });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        intoTeamId: team.Arsenal,
        matchesMoved: 2,
        matchesDeduplicated: 1,
      });

      expect(
        await count('select count(*) as n from matches where $1 in (home_team_id, away_team_id)', [
          newTeamId,
        ]),
      ).toBe(0);
      const fixtures = await query<{ match_date: string; home: number; away: number }>(
        dbUrl,
        `select to_char(match_date, 'YYYY-MM-DD') as match_date, home_team_id as home, away_team_id as away
         from matches where match_date between '2031-08-01' and '2031-08-31' order by match_date`,
      );
      expect(fixtures).toEqual([
        { match_date: '2031-08-09', home: team.Arsenal, away: team.Chelsea },
        { match_date: '2031-08-16', home: team.Everton, away: team.Arsenal },
        { match_date: '2031-08-23', home: team.Arsenal, away: team.Liverpool },
      ]);
      // The folded match keeps both sources' keys and odds.
      const refs = await query<{ source: string; source_key: string }>(
        dbUrl,
        'select source, source_key from match_source_refs where match_id = $1 order by source',
        [kept.id],
      );
      expect(refs).toEqual([
        { source: 'football-data.co.uk', source_key: 'E0:2031-08-09:Arsenal FC:Chelsea' },
        { source: 'history', source_key: 'england/premier-league:2031-08-09:Arsenal:Chelsea' },
      ]);
      const oddsSources = await query<{ source: string }>(
        dbUrl,
        `select distinct source from odds_snapshots where match_id = $1 and market = '1x2' order by source`,
        [kept.id],
      );
      expect(oddsSources.map((o) => o.source)).toEqual(['football-data.co.uk', 'history']);
      const [merged] = await query<{ merged_into_id: number }>(
        dbUrl,
        'select merged_into_id from teams where id = $1',
        [newTeamId],
      );
      expect(merged.merged_into_id).toBe(team.Arsenal);
    });

    it('shows the result through the API', async () => {
      const arsenal = await testApp.asAdmin({ method: 'GET', url: `/v1/teams/${team.Arsenal}` });
      expect(arsenal.json().aliases.map((a: { alias: string }) => a.alias)).toEqual(
        expect.arrayContaining(['Arsenal', 'The Gunners', 'Arsenal FC']),
      );
      const search = await testApp.asAdmin({ method: 'GET', url: '/v1/teams?search=arsenal' });
      expect(search.json().items.map((t: { id: number }) => t.id)).toEqual([team.Arsenal]);
      const matches = await testApp.asAdmin({
        method: 'GET',
        url: `/v1/matches?team=${team.Arsenal}&from=2031-08-01&to=2031-09-01`,
      });
      expect(matches.json().total).toBe(3);
      // The merged team's id finds the team that has its matches now.
      const viaMergedId = await testApp.asAdmin({
        method: 'GET',
        url: `/v1/matches?team=${newTeamId}&from=2031-08-01&to=2031-09-01`,
      });
      expect(viaMergedId.json().items).toEqual(matches.json().items);
    });

    it("resolves the merged team's spellings to the real team in later imports", async () => {
      const teamsBefore = await teamCount();
      const again = await uploadImport(testApp.asAdmin, unknownSpelling, 'unknown-spelling.csv');
      const rerun = await waitForImport(testApp.asAdmin, again.json().id);
      expect(rerun.status).toBe('succeeded');
      expect(rerun.counts).toMatchObject({ matchesInserted: 0, teamsCreated: 0, rowsRejected: 0 });
      expect(rerun.newTeams).toEqual([]);

      const report = await ingestion.importContent(
        e0File('E0,30/08/2031,15:00,Arsenal FC,Brighton,3,0,H,2,0,H,1.5,4.4,6.0'),
      );
      expect(report.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 0 });
      expect(report.newTeams).toEqual([]);
      expect(await teamCount()).toBe(teamsBefore);
      const [match] = await query<{ home_team_id: number }>(
        dbUrl,
        `select home_team_id from matches where match_date = '2031-08-30'`,
      );
      expect(match.home_team_id).toBe(team.Arsenal);
    });

    it('records in the audit log which team absorbed which, and the spelling added', async () => {
      const entries = async (action: string) => {
        const response = await testApp.asAdmin({
          method: 'GET',
          url: `/v1/audit?action=${encodeURIComponent(action)}&pageSize=200`,
        });
        expect(response.statusCode).toBe(200);
        return response.json() as Array<{
          target: Record<string, unknown>;
          outcome: string;
          details: Record<string, unknown>;
        }>;
      };
      expect(await entries('POST /v1/teams/:id/merge')).toContainEqual(
        expect.objectContaining({
          target: { id: String(newTeamId) },
          outcome: 'success',
          details: { status: 200, body: { intoTeamId: team.Arsenal } },
        }),
      );
      expect(await entries('POST /v1/teams/:id/aliases')).toContainEqual(
        expect.objectContaining({
          target: { id: String(team.Arsenal) },
          outcome: 'success',
          details: { status: 201, body: { alias: 'The Gunners' } },
        }),
      );
    });

    it('refuses to merge a team that was merged already, either way', async () => {
      expectProblem(await post(`/v1/teams/${newTeamId}/merge`, { intoTeamId: team.Arsenal }), 409);
      expectProblem(await post(`/v1/teams/${team.Chelsea}/merge`, { intoTeamId: newTeamId }), 409);
    });

    it('refuses a new spelling for a merged team, pointing to the team that absorbed it', async () => {
      // Imports would resolve it to the merged team: matches no list shows and no merge reaches.
      const aliasesBefore = await aliasCount();
      const body = expectProblem(
        await post(`/v1/teams/${newTeamId}/aliases`, { alias: 'Arsenal Reserves' }),
        409,
      );
      expect(body.detail).toContain(`merged into team ${team.Arsenal}`);
      expect(await aliasCount()).toBe(aliasesBefore);
    });

    it('tells, for a team merged along a chain, the team that has its matches now', async () => {
      const report = await ingestion.importContent(
        e0File(
          'E0,18/10/2031,15:00,Omega One,Chelsea,1,0,H,0,0,D,2.0,3.5,3.8',
          'E0,18/10/2031,15:00,Omega Two,Tottenham,1,0,H,0,0,D,2.0,3.5,3.8',
          'E0,18/10/2031,15:00,Omega Three,Brighton,1,0,H,0,0,D,2.0,3.5,3.8',
        ),
      );
      expect(report.counts).toMatchObject({ matchesInserted: 3, teamsCreated: 3 });
      const [one, two, three] = ['Omega One', 'Omega Two', 'Omega Three'].map(
        (name) => report.newTeams.find((t: { name: string }) => t.name === name)!.teamId as number,
      );
      expect((await post(`/v1/teams/${one}/merge`, { intoTeamId: two })).statusCode).toBe(200);
      expect((await post(`/v1/teams/${two}/merge`, { intoTeamId: three })).statusCode).toBe(200);

      const view = async (id: number) =>
        (await testApp.asAdmin({ method: 'GET', url: `/v1/teams/${id}` })).json();
      expect(await view(one)).toMatchObject({ id: one, mergedIntoId: three, aliases: [] });
      expect(await view(two)).toMatchObject({ id: two, mergedIntoId: three, aliases: [] });
      const absorbing = await view(three);
      expect(absorbing.mergedIntoId).toBeNull();
      expect(absorbing.aliases.map((a: { alias: string }) => a.alias).sort()).toEqual([
        'Omega One',
        'Omega Three',
        'Omega Two',
      ]);
      const body = expectProblem(
        await post(`/v1/teams/${one}/aliases`, { alias: 'Omega Uno' }),
        409,
      );
      expect(body.detail).toContain(`merged into team ${three}`);
    });

    it('refuses to merge a team into itself', async () => {
      const body = expectProblem(
        await post(`/v1/teams/${team.Chelsea}/merge`, { intoTeamId: team.Chelsea }),
        400,
      );
      expect(body.errors?.[0]?.field).toBe('intoTeamId');
    });

    it('refuses to merge two teams that played each other (each such match would be X v X)', async () => {
      const between = `select count(*) as n from matches
         where (home_team_id = $1 and away_team_id = $2) or (home_team_id = $2 and away_team_id = $1)`;
      const met = await count(between, [team.Everton, team.Liverpool]);
      expect(met).toBeGreaterThan(0);
      const involving =
        'select count(*) as n from matches where $1 in (home_team_id, away_team_id)';
      const [everton, liverpool] = [
        await count(involving, [team.Everton]),
        await count(involving, [team.Liverpool]),
      ];
      const body = expectProblem(
        await post(`/v1/teams/${team.Everton}/merge`, { intoTeamId: team.Liverpool }),
        409,
      );
      expect(body.detail).toContain(`met in ${met} matches`);
      expect(await count(involving, [team.Everton])).toBe(everton);
      expect(await count(involving, [team.Liverpool])).toBe(liverpool);
      expect(
        await count('select count(*) as n from matches where home_team_id = away_team_id'),
      ).toBe(0);
      const [row] = await query<{ merged_into_id: number | null }>(
        dbUrl,
        'select merged_into_id from teams where id = $1',
        [team.Everton],
      );
      expect(row.merged_into_id).toBeNull();
    });

    it('has the database refuse a team playing itself, whatever writes it', async () => {
      await expect(
        query(
          dbUrl,
          'update matches set away_team_id = home_team_id where id = (select min(id) from matches)',
        ),
      ).rejects.toThrow(/matches_teams_differ/);
    });

    it('lets only one of two crossed merges (A into B, B into A) through', async () => {
      const report = await ingestion.importContent(
        e0File(
          'E0,06/09/2031,15:00,Alpha Town,Chelsea,1,0,H,0,0,D,2.0,3.5,3.8',
          'E0,06/09/2031,15:00,Beta Rovers,Tottenham,1,0,H,0,0,D,2.0,3.5,3.8',
        ),
      );
      expect(report.counts).toMatchObject({ matchesInserted: 2, teamsCreated: 2 });
      const [alpha, beta] = report.newTeams.map((t: { teamId: number }) => t.teamId);
      const responses = await Promise.all([
        post(`/v1/teams/${alpha}/merge`, { intoTeamId: beta }),
        post(`/v1/teams/${beta}/merge`, { intoTeamId: alpha }),
      ]);
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const merged = await query<{ id: number; merged_into_id: number | null }>(
        dbUrl,
        'select id, merged_into_id from teams where id in ($1, $2) and merged_into_id is not null',
        [alpha, beta],
      );
      expect(merged).toHaveLength(1);
    });

    it('answers unknown teams with 404 and touches nothing', async () => {
      const before = await count(
        'select count(*) as n from matches where $1 in (home_team_id, away_team_id)',
        [team.Chelsea],
      );
      const unknownSource = expectProblem(
        await post('/v1/teams/987654/merge', { intoTeamId: team.Chelsea }),
        404,
      );
      expect(unknownSource.detail).toContain('987654');
      const unknownTarget = expectProblem(
        await post(`/v1/teams/${team.Chelsea}/merge`, { intoTeamId: 987655 }),
        404,
      );
      expect(unknownTarget.detail).toContain('987655');
      expect(
        await count('select count(*) as n from matches where $1 in (home_team_id, away_team_id)', [
          team.Chelsea,
        ]),
      ).toBe(before);
      const [chelsea] = await query<{ merged_into_id: number | null }>(
        dbUrl,
        'select merged_into_id from teams where id = $1',
        [team.Chelsea],
      );
      expect(chelsea.merged_into_id).toBeNull();
    });

    it("keeps the duplicate's result and odds movements when the kept match is still a fixture", async () => {
      // "Gamma Rovers" (Tottenham misspelt) has the result; Tottenham only the fixture, same day.
      const results = await ingestion.importContent(
        e0File('E0,11/10/2031,15:00,Gamma Rovers,Brighton,2,1,H,1,1,D,2.1,3.4,3.3'),
      );
      expect(results.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 1 });
      const fixture = await ingestion.importContent(
        [
          HISTORY_HEADER,
          '2031-10-11 14:00:00,england,premier-league,2031-2032,Tottenham,Brighton,,,,,2.0,2.1,3.5,3.4,3.4,3.3,,,,,,,,',
          '',
        ].join('\n'),
      );
      expect(fixture.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 0 });
      const [rovers, town] = [results.newTeams[0].teamId, team.Tottenham];
      const matchOf = async (teamId: number) =>
        (
          await query<{ id: number }>(
            dbUrl,
            `select id from matches where home_team_id = $1 and match_date = '2031-10-11'`,
            [teamId],
          )
        )[0].id;
      const [duplicate, kept] = [await matchOf(rovers), await matchOf(town)];
      // A live source saw the duplicate's prices move before kick-off.
      await query(
        dbUrl,
        `insert into odds_movements (match_id, market, bookmaker, source, prices, observed_at)
         values ($1, '1x2', 'virtual-bookmaker', 'collector:feed', '{"home":2.2,"draw":3.3,"away":3.1}',
                 '2031-10-10T12:00:00Z')`,
        [duplicate],
      );
      const finished: number[][] = [];
      testApp.app
        .get(DomainEvents)
        .on('match.finished', ({ matchIds }) => void finished.push(matchIds));

      const response = await post(`/v1/teams/${rovers}/merge`, { intoTeamId: town });
      expect(response.json()).toMatchObject({ matchesMoved: 0, matchesDeduplicated: 1 });

      const detail = await testApp.asAdmin({ method: 'GET', url: `/v1/matches/${kept}` });
      expect(detail.json()).toMatchObject({
        status: 'finished',
        homeTeam: { id: town },
        homeGoals: 2,
        awayGoals: 1,
        homeGoalsHalfTime: 1,
        awayGoalsHalfTime: 1,
      });
      const movements = await testApp.asAdmin({
        method: 'GET',
        url: `/v1/matches/${kept}/odds/movements`,
      });
      expect(movements.json()).toEqual([
        expect.objectContaining({
          bookmaker: 'virtual-bookmaker',
          prices: { home: 2.2, draw: 3.3, away: 3.1 },
          observedAt: '2031-10-10T12:00:00.000Z',
        }),
      ]);
      // The track record scores it like a match an import finished.
      expect(finished).toEqual([[kept]]);
    });

    it.each([
      [{}],
      [{ intoTeamId: 'arsenal' }],
      [{ intoTeamId: '12' }],
      [{ intoTeamId: true }],
      [{ intoTeamId: 0 }],
      [{ intoTeamId: 1, force: true }],
    ])('answers the invalid body %j with 400', async (payload) => {
      const body = expectProblem(await post(`/v1/teams/${team.Chelsea}/merge`, payload), 400);
      expect(body.errors?.length).toBeGreaterThan(0);
    });
  });
});
