import { IngestionService } from '../src/matches/imports/ingestion.service';
import { MatchWriteRepository } from '../src/matches/repositories/match-write.repository';
import { ReferenceWriteRepository } from '../src/matches/repositories/reference-write.repository';
import { TeamRepository } from '../src/matches/repositories/team.repository';
import { query } from './support/databases';
import {
  e0File,
  e0Row,
  importArrivingWhileMergeWaits,
  mergeTeamsAsAdmin,
  teamIdNamed,
  untilLockWaits,
} from './support/team-merges';
import { startTestApp, TestApp } from './support/test-app';

/**
 * An import racing an admin's team merge: the import resolves names to team ids, then writes its
 * matches; a merge committed in between must not leave matches under the merged team (no list
 * shows it, no later merge reaches it). The interleavings are forced with hooks on the import's
 * own steps, on real connections: no timing.
 */

describe('an import racing a team merge (PostgreSQL)', () => {
  let testApp: TestApp;
  let dbUrl: string;
  let ingestion: IngestionService;

  const merge = (teamId: number, intoTeamId: number) =>
    mergeTeamsAsAdmin(testApp, teamId, intoTeamId);
  const teamId = (name: string) => teamIdNamed(dbUrl, name);
  /** Matches filed under a merged team: what the race used to leave behind. */
  const underMergedTeams = async () =>
    query<{ id: number }>(
      dbUrl,
      `select m.id from matches m join teams t on t.id in (m.home_team_id, m.away_team_id)
       where t.merged_into_id is not null`,
    );
  const matchOn = async (day: string) =>
    query<{ home_team_id: number; away_team_id: number }>(
      dbUrl,
      'select home_team_id, away_team_id from matches where match_date = $1',
      [day],
    );
  /** Until another transaction of the test database waits on a lock, or `done()` says so. */
  const untilLockWait = (done: () => boolean) => untilLockWaits(dbUrl, 1, done);
  /** Runs `meanwhile` once, after the import has read the spellings and before it writes. */
  const afterNamesResolved = (meanwhile: () => Promise<void>) => {
    const loadAliasIndex = ReferenceWriteRepository.prototype.loadAliasIndex;
    return jest
      .spyOn(ReferenceWriteRepository.prototype, 'loadAliasIndex')
      .mockImplementationOnce(async function (this: ReferenceWriteRepository) {
        const index = await loadAliasIndex.call(this);
        await meanwhile();
        return index;
      });
  };
  /** A duplicate and the real team, each with a match of its own (they never met). */
  const twoTeams = async (duplicate: string, real: string, opponent: string, month: string) => {
    const report = await ingestion.importContent(
      e0File(
        e0Row(`01/${month}/2031`, duplicate, opponent),
        e0Row(`02/${month}/2031`, real, opponent),
      ),
    );
    expect(report.counts).toMatchObject({ matchesInserted: 2, rowsRejected: 0 });
    return { duplicateId: await teamId(duplicate), realId: await teamId(real) };
  };

  beforeAll(async () => {
    testApp = await startTestApp();
    dbUrl = testApp.databaseUrl;
    ingestion = testApp.app.get(IngestionService);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => testApp?.close());

  it('files the matches under the surviving team when the merge commits after the names were resolved', async () => {
    const { duplicateId, realId } = await twoTeams('Dupe Town', 'Real Town', 'Alpha Rovers', '08');
    // The import has read the spellings (Dupe Town → the duplicate); the merge then commits.
    const spy = afterNamesResolved(async () => {
      expect((await merge(duplicateId, realId)).statusCode).toBe(200);
    });

    const report = await ingestion.importContent(
      e0File(e0Row('09/08/2031', 'Dupe Town', 'Alpha Rovers')),
    );
    expect(spy).toHaveBeenCalled();
    expect(report).toMatchObject({
      outcome: 'committed',
      counts: { matchesInserted: 1, teamsCreated: 0, rowsRejected: 0 },
    });
    expect(await matchOn('2031-08-09')).toEqual([
      { home_team_id: realId, away_team_id: await teamId('Alpha Rovers') },
    ]);
    expect(await underMergedTeams()).toEqual([]);
  });

  it('makes a merge wait for an import that holds its teams, then moves what the import filed', async () => {
    const { duplicateId, realId } = await twoTeams(
      'Copy City',
      'Original City',
      'Beta United',
      '09',
    );
    // The import is about to write its matches: a merge of its team starts now.
    let mergeDone: Promise<Awaited<ReturnType<typeof merge>>> | undefined;
    const original = MatchWriteRepository.prototype.upsert;
    jest.spyOn(MatchWriteRepository.prototype, 'upsert').mockImplementationOnce(async function (
      this: MatchWriteRepository,
      rows,
      now,
    ) {
      let settled = false;
      mergeDone = merge(duplicateId, realId).finally(() => {
        settled = true;
      });
      // Until the merge either waits on a lock (the fix) or has committed (the race).
      await untilLockWait(() => settled);
      return original.call(this, rows, now);
    });

    const report = await ingestion.importContent(
      e0File(e0Row('10/09/2031', 'Copy City', 'Beta United')),
    );
    expect(report.counts).toMatchObject({ matchesInserted: 1, rowsRejected: 0 });
    const merged = await mergeDone!;
    expect(merged.statusCode).toBe(200);
    // The import's match was there when the merge ran: it moved with the others.
    expect(merged.json()).toMatchObject({ intoTeamId: realId, matchesMoved: 2 });
    expect(await matchOn('2031-09-10')).toEqual([
      { home_team_id: realId, away_team_id: await teamId('Beta United') },
    ]);
    expect(await underMergedTeams()).toEqual([]);
  });

  it('waits for a merge holding the teams, then files the matches under the surviving team', async () => {
    const { duplicateId, realId } = await twoTeams(
      'Echo Town',
      'Prime Town',
      'Delta Wanderers',
      '11',
    );
    // The import has read the spellings; a merge has locked both teams and waits for the import
    // to queue behind it (or to finish: the race) before it moves anything and commits.
    let importDone = false;
    let mergeDone: Promise<Awaited<ReturnType<typeof merge>>> | undefined;
    let mergeHoldsTeams!: () => void;
    const teamsHeld = new Promise<void>((resolve) => (mergeHoldsTeams = resolve));
    const mergeTeams = TeamRepository.prototype.mergeTeams;
    jest.spyOn(TeamRepository.prototype, 'mergeTeams').mockImplementationOnce(async function (
      this: TeamRepository,
      sourceId,
      targetId,
    ) {
      mergeHoldsTeams();
      await untilLockWait(() => importDone);
      return mergeTeams.call(this, sourceId, targetId);
    });
    afterNamesResolved(async () => {
      mergeDone = merge(duplicateId, realId);
      await teamsHeld;
    });

    const report = await ingestion
      .importContent(e0File(e0Row('12/11/2031', 'Echo Town', 'Delta Wanderers')))
      .finally(() => {
        importDone = true;
      });
    expect(report.counts).toMatchObject({ matchesInserted: 1, teamsCreated: 0, rowsRejected: 0 });
    const merged = await mergeDone!;
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ intoTeamId: realId, matchesMoved: 1 });
    expect(await matchOn('2031-11-12')).toEqual([
      { home_team_id: realId, away_team_id: await teamId('Delta Wanderers') },
    ]);
    expect(await underMergedTeams()).toEqual([]);
  });

  it('refuses a row that the merge made a team playing itself, and folds rows it made one match', async () => {
    const { duplicateId, realId } = await twoTeams(
      'Twin Rovers',
      'True Rovers',
      'Gamma Athletic',
      '10',
    );
    afterNamesResolved(async () => {
      expect((await merge(duplicateId, realId)).statusCode).toBe(200);
    });

    const report = await ingestion.importContent(
      e0File(
        e0Row('11/10/2031', 'Twin Rovers', 'True Rovers'),
        e0Row('12/10/2031', 'Twin Rovers', 'Gamma Athletic'),
        e0Row('12/10/2031', 'True Rovers', 'Gamma Athletic'),
      ),
    );
    expect(report.outcome).toBe('committed');
    expect(report.counts).toMatchObject({ matchesInserted: 1, rowsRejected: 1 });
    expect(report.issues).toEqual([
      expect.objectContaining({
        line: 2,
        severity: 'error',
        reason: expect.stringContaining(`merged into team ${realId}`),
      }),
      expect.objectContaining({
        line: 3,
        severity: 'warning',
        reason: 'superseded by line 4 (same teams, same day)',
      }),
    ]);
    expect(await matchOn('2031-10-11')).toEqual([]);
    expect(await matchOn('2031-10-12')).toEqual([
      { home_team_id: realId, away_team_id: await teamId('Gamma Athletic') },
    ]);
    expect(await underMergedTeams()).toEqual([]);
  });

  it('queues an import that arrives while a merge waits for the teams behind the merge (fair wait)', async () => {
    const { duplicateId, realId } = await twoTeams('Quiet Town', 'Loud Town', 'Epsilon City', '12');
    // A first import has locked the teams and is held before it writes its match; the merge
    // waits for it (the test app's bound is 10 s: far from running out here). A second import of
    // the same team arrives only then: it must queue behind the merge (both then wait on a lock)
    // instead of taking the teams first, as row locks alone let it do.
    const scenario = await importArrivingWhileMergeWaits({
      databaseUrl: dbUrl,
      importContent: (content) => ingestion.importContent(content),
      merge: () => merge(duplicateId, realId),
      firstRow: e0Row('03/12/2031', 'Quiet Town', 'Epsilon City'),
      secondRow: e0Row('04/12/2031', 'Quiet Town', 'Epsilon City'),
    });
    scenario.releaseFirst();

    expect(scenario.overtook).toBe(false);
    expect((await scenario.firstImport).counts).toMatchObject({
      matchesInserted: 1,
      rowsRejected: 0,
    });
    const merged = await scenario.merge;
    expect(merged.statusCode).toBe(200);
    // The first import's match moved; the second one was filed after the merge, under the
    // surviving team directly.
    expect(merged.json()).toMatchObject({ intoTeamId: realId, matchesMoved: 2 });
    expect((await scenario.secondImport).counts).toMatchObject({
      matchesInserted: 1,
      teamsCreated: 0,
      rowsRejected: 0,
    });
    const epsilonId = await teamId('Epsilon City');
    expect(await matchOn('2031-12-03')).toEqual([
      { home_team_id: realId, away_team_id: epsilonId },
    ]);
    expect(await matchOn('2031-12-04')).toEqual([
      { home_team_id: realId, away_team_id: epsilonId },
    ]);
    expect(await underMergedTeams()).toEqual([]);
  });
});
