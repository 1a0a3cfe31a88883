import { IngestionService } from '../src/matches/imports/ingestion.service';
import { MatchWriteRepository } from '../src/matches/repositories/match-write.repository';
import { TeamRepository } from '../src/matches/repositories/team.repository';
import { query } from './support/databases';
import {
  e0File,
  e0Row,
  importArrivingWhileMergeWaits,
  mergeTeamsAsAdmin,
  teamIdNamed,
} from './support/team-merges';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A team merge behind an import that holds its teams waits at most TEAM_MERGE_LOCK_TIMEOUT_MS,
 * then answers 409 teams-busy with Retry-After and merges nothing. The import is held (a hook on
 * its own step, after it locked the teams) until the merge has answered, so the merge cannot get
 * the teams before its bound runs out: without the bound it would wait for the import for ever.
 * Imports that queued behind the waiting merge go on once it gave up.
 * An alias added to a team a merge holds is bounded the same way.
 */

/**
 * The bound: long enough that an import queueing behind a waiting merge reaches its locks before
 * the merge gives up on a loaded machine (300 ms did not promise it), and one for the whole file
 * (the configuration is read once per test file, so a second app could not take another).
 */
const LOCK_TIMEOUT_MS = 3000;
/** How long a held import or merge waits for the answer it awaits before going on anyway. */
const HOLD_LIMIT_MS = 8000;

/** `work`, or 'still waiting' once HOLD_LIMIT_MS have passed. */
const withinHoldLimit = async <T>(work: Promise<T>): Promise<T | 'still waiting'> => {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), HOLD_LIMIT_MS);
  });
  try {
    return await Promise.race([work, giveUp]);
  } finally {
    clearTimeout(timer);
  }
};

describe('a team merge behind an import holding its teams (PostgreSQL)', () => {
  let testApp: TestApp;
  let dbUrl: string;
  let ingestion: IngestionService;

  const merge = (teamId: number, intoTeamId: number) =>
    mergeTeamsAsAdmin(testApp, teamId, intoTeamId);
  const teamId = (name: string) => teamIdNamed(dbUrl, name);
  const teamsOf = async (ids: number[]) =>
    query<{ id: number; merged_into_id: number | null; matches: string; aliases: string }>(
      dbUrl,
      `select t.id, t.merged_into_id,
              (select count(*) from matches m where t.id in (m.home_team_id, m.away_team_id)) as matches,
              (select count(*) from team_aliases a where a.team_id = t.id) as aliases
       from teams t where t.id = any($1::int[]) order by t.id`,
      [ids],
    );

  beforeAll(async () => {
    testApp = await startTestApp({ TEAM_MERGE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) });
    dbUrl = testApp.databaseUrl;
    ingestion = testApp.app.get(IngestionService);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => testApp?.close());

  it('answers 409 teams-busy with Retry-After while the import holds the teams, merging nothing; a retry after the import moves its matches', async () => {
    const setup = await ingestion.importContent(
      e0File(
        e0Row('01/08/2032', 'Shadow Athletic', 'Kappa Rangers'),
        e0Row('02/08/2032', 'Solid Athletic', 'Kappa Rangers'),
      ),
    );
    expect(setup.counts).toMatchObject({ matchesInserted: 2, rowsRejected: 0 });
    const duplicateId = await teamId('Shadow Athletic');
    const realId = await teamId('Solid Athletic');
    const before = await teamsOf([duplicateId, realId]);

    // The import has locked its teams and is about to write its matches: the merge is sent now,
    // and the import goes on only once the merge has answered (or HOLD_LIMIT_MS passed).
    let answered: Awaited<ReturnType<typeof merge>> | 'still waiting' | undefined;
    let whileHeld: Awaited<ReturnType<typeof teamsOf>> | undefined;
    const original = MatchWriteRepository.prototype.upsert;
    const spy = jest
      .spyOn(MatchWriteRepository.prototype, 'upsert')
      .mockImplementationOnce(async function (this: MatchWriteRepository, rows, now) {
        answered = await withinHoldLimit(merge(duplicateId, realId));
        whileHeld = await teamsOf([duplicateId, realId]);
        return original.call(this, rows, now);
      });

    const report = await ingestion.importContent(
      e0File(e0Row('09/08/2032', 'Shadow Athletic', 'Kappa Rangers')),
    );
    expect(spy).toHaveBeenCalled();
    expect(report).toMatchObject({
      outcome: 'committed',
      counts: { matchesInserted: 1, teamsCreated: 0, rowsRejected: 0 },
    });

    // The merge answered while the import still held the teams, instead of waiting for it.
    expect(answered).not.toBe('still waiting');
    const busy = answered as Exclude<typeof answered, 'still waiting' | undefined>;
    expect(busy.statusCode).toBe(409);
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy.headers['retry-after']).toBe('3');
    const body = busy.json();
    expect(body).toMatchObject({
      type: 'https://oracxpred.dev/problems/teams-busy',
      status: 409,
      detail: expect.stringMatching(/an import is writing matches of team \d+ or \d+.*retry/),
    });
    expect(body.detail).toContain(`${LOCK_TIMEOUT_MS} ms`);
    // Nothing merged: neither team changed while the import was held.
    expect(whileHeld).toEqual(before);

    // Once the import has committed, the same merge goes through and takes the import's match.
    const retried = await merge(duplicateId, realId);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ intoTeamId: realId, matchesMoved: 2 });
    expect(
      await query<{ home_team_id: number }>(
        dbUrl,
        'select home_team_id from matches where match_date = $1',
        ['2032-08-09'],
      ),
    ).toEqual([{ home_team_id: realId }]);
    const after = await teamsOf([duplicateId, realId]);
    expect(after).toEqual([
      expect.objectContaining({ id: duplicateId, merged_into_id: realId, matches: '0' }),
      expect.objectContaining({ id: realId, merged_into_id: null, matches: '3' }),
    ]);
  });

  it('lets the imports that queued behind a merge go on once it gave up, merging nothing', async () => {
    const setup = await ingestion.importContent(
      e0File(
        e0Row('01/10/2032', 'Phantom Rovers', 'Lambda Town'),
        e0Row('02/10/2032', 'Proper Rovers', 'Lambda Town'),
      ),
    );
    expect(setup.counts).toMatchObject({ matchesInserted: 2, rowsRejected: 0 });
    const duplicateId = await teamId('Phantom Rovers');
    const realId = await teamId('Proper Rovers');
    const before = await teamsOf([duplicateId, realId]);

    // A first import holds the teams (until the end of the test); the merge waits for it, and a
    // second import of the same team arrives while it waits, so queues behind it.
    const scenario = await importArrivingWhileMergeWaits({
      databaseUrl: dbUrl,
      importContent: (content) => ingestion.importContent(content),
      merge: () => merge(duplicateId, realId),
      firstRow: e0Row('03/10/2032', 'Phantom Rovers', 'Lambda Town'),
      secondRow: e0Row('04/10/2032', 'Phantom Rovers', 'Lambda Town'),
    });
    const bothWaited = !scenario.overtook && !scenario.mergeGaveUpEarly;

    // The merge gives up; the second import then goes on while the first still holds the teams.
    const busy = await scenario.merge;
    const second = await withinHoldLimit(scenario.secondImport);
    scenario.releaseFirst();
    expect(bothWaited).toBe(true);
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ type: 'https://oracxpred.dev/problems/teams-busy' });
    expect(busy.headers['retry-after']).toBe('3');
    expect(second).not.toBe('still waiting');
    expect(second).toMatchObject({ outcome: 'committed', counts: { matchesInserted: 1 } });
    expect((await scenario.firstImport).counts).toMatchObject({ matchesInserted: 1 });
    expect(await teamsOf([duplicateId, realId])).toEqual([
      { ...before[0], matches: '3' },
      before[1],
    ]);
  });

  it('answers 409 teams-busy to an alias of a team a merge holds, adding nothing; a retry after the merge adds it', async () => {
    const setup = await ingestion.importContent(
      e0File(
        e0Row('01/11/2032', 'Mirror County', 'Sigma Albion'),
        e0Row('02/11/2032', 'Genuine County', 'Sigma Albion'),
      ),
    );
    expect(setup.counts).toMatchObject({ matchesInserted: 2, rowsRejected: 0 });
    const duplicateId = await teamId('Mirror County');
    const realId = await teamId('Genuine County');
    const addAlias = () =>
      testApp.asAdmin({
        method: 'POST',
        url: `/v1/teams/${realId}/aliases`,
        payload: { alias: 'Genuine CFC' },
      });
    const aliasRows = () =>
      query<{ team_id: number }>(dbUrl, 'select team_id from team_aliases where alias = $1', [
        'Genuine CFC',
      ]);

    // The merge holds both teams and is about to move their matches: the alias is sent now, and
    // the merge goes on only once the alias has been answered (or HOLD_LIMIT_MS passed).
    let answered: Awaited<ReturnType<typeof addAlias>> | 'still waiting' | undefined;
    let whileHeld: Awaited<ReturnType<typeof aliasRows>> | undefined;
    const mergeTeams = TeamRepository.prototype.mergeTeams;
    const spy = jest
      .spyOn(TeamRepository.prototype, 'mergeTeams')
      .mockImplementationOnce(async function (this: TeamRepository, sourceId, targetId) {
        answered = await withinHoldLimit(addAlias());
        whileHeld = await aliasRows();
        return mergeTeams.call(this, sourceId, targetId);
      });

    const merged = await merge(duplicateId, realId);
    expect(spy).toHaveBeenCalled();
    expect(merged.statusCode).toBe(200);
    // The alias was refused while the merge still held the team, instead of waiting for it.
    expect(answered).not.toBe('still waiting');
    const busy = answered as Exclude<typeof answered, 'still waiting' | undefined>;
    expect(busy.statusCode).toBe(409);
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy.headers['retry-after']).toBe('3');
    expect(busy.json()).toMatchObject({
      type: 'https://oracxpred.dev/problems/teams-busy',
      status: 409,
      detail: expect.stringContaining(`team ${realId} is being merged`),
    });
    expect(busy.json().detail).toContain(`${LOCK_TIMEOUT_MS} ms; no alias was added`);
    expect(whileHeld).toEqual([]);

    // Once the merge has committed, the same alias is added.
    const retried = await addAlias();
    expect(retried.statusCode).toBe(201);
    expect(await aliasRows()).toEqual([{ team_id: realId }]);
  });

  it.each(['/v1/teams/{id}/merge', '/v1/teams/{id}/aliases'])(
    'documents the 409 teams-busy and its Retry-After on %s',
    async (path) => {
      const response = await testApp.asAdmin({ method: 'GET', url: '/docs-json' });
      expect(response.statusCode).toBe(200);
      const conflict = response.json().paths[path].post.responses['409'];
      expect(conflict.description).toContain('teams-busy');
      expect(conflict.headers['Retry-After']).toMatchObject({ schema: { type: 'integer' } });
      expect(Object.keys(conflict.content)).toEqual(['application/problem+json']);
    },
  );
});
