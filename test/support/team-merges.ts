import { MatchWriteRepository } from '../../src/matches/repositories/match-write.repository';
import { query } from './databases';
import type { TestApp } from './test-app';

const E0_HEADER = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';

/** A football-data.co.uk E0 file with these rows (only the columns the team tests need). */
export const e0File = (...rows: string[]) => [E0_HEADER, ...rows, ''].join('\n');

/** A home win 1-0 on `day` (dd/mm/yyyy), with 1X2 odds, as an E0 row. */
export const e0Row = (day: string, home: string, away: string) =>
  `E0,${day},15:00,${home},${away},1,0,H,0,0,D,2.0,3.5,3.8`;

/** POST /v1/teams/{teamId}/merge as the admin. */
export const mergeTeamsAsAdmin = (testApp: TestApp, teamId: number, intoTeamId: number) =>
  testApp.asAdmin({ method: 'POST', url: `/v1/teams/${teamId}/merge`, payload: { intoTeamId } });

export const teamIdNamed = async (databaseUrl: string, name: string) =>
  (await query<{ id: number }>(databaseUrl, 'select id from teams where name = $1', [name]))[0].id;

/**
 * Resolves once at least `waiters` transactions of the test database wait on a lock
 * (pg_stat_activity), or as soon as `done()` says the awaited step finished without waiting.
 */
export const untilLockWaits = async (databaseUrl: string, waiters: number, done: () => boolean) => {
  for (;;) {
    const [{ n }] = await query<{ n: string }>(
      databaseUrl,
      `select count(*) as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (done() || Number(n) >= waiters) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
};

/**
 * Holds the next import once it has locked its teams, just before it writes its matches (a
 * one-off hook on MatchWriteRepository.upsert; jest.restoreAllMocks removes it): `held` resolves
 * when it is held there, `release()` lets it go on.
 */
const holdNextImportBeforeWrite = () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let nowHeld!: () => void;
  const held = new Promise<void>((resolve) => (nowHeld = resolve));
  const upsert = MatchWriteRepository.prototype.upsert;
  jest.spyOn(MatchWriteRepository.prototype, 'upsert').mockImplementationOnce(async function (
    this: MatchWriteRepository,
    rows,
    now,
  ) {
    nowHeld();
    await released;
    return upsert.call(this, rows, now);
  });
  return { held, release };
};

/** A promise and whether it has settled yet. */
const tracked = <T>(work: Promise<T>) => {
  const state = { done: work, settled: false };
  void work.finally(() => (state.settled = true)).catch(() => undefined);
  return state;
};

/**
 * A first import of `firstRow` holds its teams (before it writes); the merge starts and waits for
 * them; then a second import of `secondRow` starts, and this resolves once it waits on a lock too
 * (or has settled without waiting: `overtook` says so). The caller releases the first import.
 */
export const importArrivingWhileMergeWaits = async <Imported, Merged>(options: {
  databaseUrl: string;
  importContent: (content: string) => Promise<Imported>;
  merge: () => Promise<Merged>;
  firstRow: string;
  secondRow: string;
}) => {
  const first = holdNextImportBeforeWrite();
  const firstImport = tracked(options.importContent(e0File(options.firstRow)));
  await first.held;
  const merge = tracked(options.merge());
  await untilLockWaits(options.databaseUrl, 1, () => merge.settled);
  const secondImport = tracked(options.importContent(e0File(options.secondRow)));
  await untilLockWaits(options.databaseUrl, 2, () => secondImport.settled || merge.settled);
  return {
    releaseFirst: first.release,
    firstImport: firstImport.done,
    merge: merge.done,
    secondImport: secondImport.done,
    overtook: secondImport.settled,
    mergeGaveUpEarly: merge.settled,
  };
};
