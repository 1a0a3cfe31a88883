import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainEvents } from '../src/common/events/domain-events';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { HISTORY_FILES, sharedDataPath } from './fixtures/shared-data';
import { query } from './support/databases';
import { startTestApp, TestApp } from './support/test-app';

/** A digest of everything ingestion writes, to prove a re-import changes nothing. */
const DATABASE_DIGEST = `
  select (select md5(string_agg(concat_ws('|', id, competition_id, season, kickoff, home_team_id,
            away_team_id, status, home_goals, away_goals, home_goals_half_time,
            away_goals_half_time, neutral, updated_at), ',' order by id)) from matches) as matches,
         (select md5(string_agg(concat_ws('|', match_id, market, phase, bookmaker, source,
            prices::text, captured_at), ',' order by match_id, market, phase, bookmaker, source))
          from odds_snapshots) as odds,
         (select count(*) from teams) as teams,
         (select count(*) from team_aliases) as aliases`;

const countMatches = async (url: string) =>
  Number((await query<{ n: string }>(url, 'select count(*) as n from matches'))[0].n);

describe('ingestion of the real public data (PostgreSQL)', () => {
  let testApp: TestApp;
  let ingestion: IngestionService;

  beforeAll(async () => {
    testApp = await startTestApp();
    ingestion = testApp.app.get(IngestionService);
  });
  afterAll(() => testApp?.close());

  it('imports the six history files as exactly 32,529 matches', async () => {
    let inserted = 0;
    for (const file of HISTORY_FILES) {
      const report = await ingestion.importContent(
        readFileSync(sharedDataPath('football', 'history', file)),
      );
      expect(report.outcome).toBe('committed');
      expect(report.format).toBe('history');
      expect(report.counts.rowsRejected).toBe(0);
      inserted += report.counts.matchesInserted;
    }
    expect(inserted).toBe(32_529);
    expect(await countMatches(testApp.databaseUrl)).toBe(32_529);
  });

  it('stores no impossible odds and reports them as warnings', async () => {
    const [{ bad }] = await query<{ bad: string }>(
      testApp.databaseUrl,
      `select count(*) as bad from odds_snapshots o,
         lateral (select sum(1 / value::numeric) as booksum from jsonb_each_text(o.prices)) s
       where s.booksum < 1 or s.booksum > 1.5`,
    );
    expect(Number(bad)).toBe(0);
  });

  it('adds exactly 340 matches from E0.csv (its other 110 are the same matches under other names)', async () => {
    const report = await ingestion.importContent(
      readFileSync(sharedDataPath('football', 'football-data-co-uk', 'E0.csv')),
    );
    expect(report.format).toBe('football-data-co-uk');
    expect(report.counts.matchesInserted).toBe(340);
    expect(report.counts.matchesUnchanged + report.counts.matchesUpdated).toBe(110);
    expect(report.counts.teamsCreated).toBe(0);
    // The overlapping matches keep one row each, now known under both sources' keys.
    const [{ refs }] = await query<{ refs: string }>(
      testApp.databaseUrl,
      `select count(*) as refs from match_source_refs r join matches m on m.id = r.match_id
       where r.source = 'football-data.co.uk' and m.source = 'history'`,
    );
    expect(Number(refs)).toBe(110);
  });

  it('adds exactly 271 matches from SC0.csv, 33,140 in all', async () => {
    const report = await ingestion.importContent(
      readFileSync(sharedDataPath('football', 'football-data-co-uk', 'SC0.csv')),
    );
    expect(report.counts.matchesInserted).toBe(271);
    expect(await countMatches(testApp.databaseUrl)).toBe(33_140);
  });

  it('changes nothing when every file is imported again', async () => {
    const before = await query(testApp.databaseUrl, DATABASE_DIGEST);
    const files = [
      ...HISTORY_FILES.map((f) => sharedDataPath('football', 'history', f)),
      sharedDataPath('football', 'football-data-co-uk', 'E0.csv'),
      sharedDataPath('football', 'football-data-co-uk', 'SC0.csv'),
    ];
    for (const file of files) {
      const report = await ingestion.importContent(readFileSync(file));
      expect(report.counts).toMatchObject({
        matchesInserted: 0,
        matchesUpdated: 0,
        oddsWritten: 0,
        teamsCreated: 0,
      });
    }
    expect(await query(testApp.databaseUrl, DATABASE_DIGEST)).toEqual(before);
  });

  it('updates a scheduled match when a later file brings its result', async () => {
    const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';
    const fixture = `${header}\nSC0,01/06/2031,15:00,Celtic,Rangers,,,,,,,2.0,3.6,3.5\n`;
    const result = `${header}\nSC0,01/06/2031,15:00,Celtic,Rangers,2,1,H,1,0,H,2.0,3.6,3.5\n`;
    expect((await ingestion.importContent(fixture)).counts.matchesInserted).toBe(1);
    const report = await ingestion.importContent(result);
    expect(report.counts).toMatchObject({ matchesInserted: 0, matchesUpdated: 1 });
    const [row] = await query<{ status: string; home_goals: number; away_goals: number }>(
      testApp.databaseUrl,
      `select status, home_goals, away_goals from matches where source_key = 'SC0:2031-06-01:Celtic:Rangers'`,
    );
    expect(row).toEqual({ status: 'finished', home_goals: 2, away_goals: 1 });
    // A source still listing it as scheduled never erases the result, and the report says so.
    const lagging = await ingestion.importContent(fixture);
    expect(lagging.counts).toMatchObject({ matchesUpdated: 0, matchesUnchanged: 1, warnings: 1 });
    expect(lagging.issues).toEqual([
      {
        line: 2,
        column: null,
        severity: 'warning',
        reason:
          'the match is already finished 2-1; this row says scheduled: the stored match is kept',
      },
    ]);
  });

  it('keeps the later of two rows for the same match, whatever the spelling, and reports the earlier', async () => {
    const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';
    const content = [
      header,
      'E0,02/06/2031,15:00,Man City,Fulham,1,0,H,0,0,D,1.3,5.5,9.0',
      'E0,02/06/2031,15:00,Manchester City,Fulham,3,0,H,1,0,H,1.3,5.5,9.0',
      'E0,03/06/2031,15:00,Fulham,Wolves,0,0,D,0,0,D,2.4,3.3,3.0',
      'E0,03/06/2031,15:00,Fulham,Wolves,2,2,D,1,1,D,2.4,3.3,3.0',
      '',
    ].join('\n');
    const report = await ingestion.importContent(content);
    expect(report.counts).toMatchObject({ matchesInserted: 2, warnings: 2 });
    expect(report.issues).toEqual([
      expect.objectContaining({ line: 2, reason: 'superseded by line 3 (same teams, same day)' }),
      expect.objectContaining({
        line: 4,
        reason: 'superseded by line 5 (same match in the same source)',
      }),
    ]);
    const rows = await query<{ home_goals: number; away_goals: number }>(
      testApp.databaseUrl,
      `select home_goals, away_goals from matches where kickoff::date in ('2031-06-02', '2031-06-03')
       order by kickoff`,
    );
    expect(rows).toEqual([
      { home_goals: 3, away_goals: 0 },
      { home_goals: 2, away_goals: 2 },
    ]);
  });

  describe('a file with injected bad rows', () => {
    const badFile = readFileSync(
      path.join(__dirname, 'fixtures', 'bad-rows.football-data.csv'),
      'utf8',
    );

    it('reports each bad row with its line and column and commits the valid rows', async () => {
      const before = await countMatches(testApp.databaseUrl);
      const report = await ingestion.importContent(badFile.replace(/2024/g, '2030'));
      const errors = report.issues.filter((i) => i.severity === 'error');
      expect(errors.map((e) => [e.line, e.column])).toEqual([
        [3, 'Date'],
        [4, 'FTHG'],
        [5, 'HomeTeam'],
        [6, 'HTHG'],
      ]);
      const warnings = report.issues.filter((i) => i.severity === 'warning');
      expect(warnings).toEqual([
        expect.objectContaining({ line: 7, reason: expect.stringContaining('impossible odds') }),
      ]);
      expect(report.outcome).toBe('committed');
      expect(report.counts).toMatchObject({ rowsRejected: 4, matchesInserted: 3 });
      expect(await countMatches(testApp.databaseUrl)).toBe(before + 3);
      const [{ odds }] = await query<{ odds: string }>(
        testApp.databaseUrl,
        `select count(*) as odds from odds_snapshots o join matches m on m.id = o.match_id
         where m.source_key = 'E0:2030-08-18:Brentford:Crystal Palace' and o.market = '1x2'`,
      );
      expect(Number(odds)).toBe(0);
    });

    it('commits nothing in strict mode', async () => {
      const before = await query(testApp.databaseUrl, DATABASE_DIGEST);
      const report = await ingestion.importContent(badFile.replace(/2024/g, '2032'), {
        strict: true,
      });
      expect(report.outcome).toBe('rejected');
      expect(report.issues.filter((i) => i.severity === 'error')).toHaveLength(4);
      expect(await query(testApp.databaseUrl, DATABASE_DIGEST)).toEqual(before);
    });
  });

  it('refuses an unknown spelling that is evidently an existing team instead of duplicating the fixture', async () => {
    const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR';
    // Arsenal really played Wolves at home on 17/08/2024; "Arsenal FC Women" is no known alias.
    const report = await ingestion.importContent(
      `${header}\nE0,17/08/2024,15:00,Arsenal,Wolverhampton Wanderers XI,2,0,H,1,0,H\n`,
    );
    expect(report.issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'AwayTeam',
        severity: 'error',
        reason: expect.stringContaining('"Wolves"'),
      }),
    ]);
    expect(report.counts.matchesInserted).toBe(0);
    expect(report.counts.teamsCreated).toBe(0);
  });

  it('says so when a re-import lacks the half-time score, and refuses one above the full-time score', async () => {
    const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR';
    const played = (result: string) =>
      `${header}\nSC0,05/06/2031,15:00,Celtic,Aberdeen,${result}\n`;
    const stored = async () =>
      (
        await query<Record<string, number | null>>(
          testApp.databaseUrl,
          `select home_goals, away_goals, home_goals_half_time as home_ht,
             away_goals_half_time as away_ht
           from matches where source_key = 'SC0:2031-06-05:Celtic:Aberdeen'`,
        )
      )[0];
    expect((await ingestion.importContent(played('2,1,H,1,0,H'))).counts.matchesInserted).toBe(1);

    // Empty half-time cells are unknown, not 0-0: the stored score stays, and the report says so.
    const unknown = await ingestion.importContent(played('2,1,H,,,'));
    expect(unknown.counts).toMatchObject({ matchesUnchanged: 1, warnings: 1 });
    expect(unknown.issues).toEqual([
      {
        line: 2,
        column: null,
        severity: 'warning',
        reason: 'half-time score missing: the stored 1-0 is kept',
      },
    ]);
    expect(await stored()).toEqual({ home_goals: 2, away_goals: 1, home_ht: 1, away_ht: 0 });

    // A half-time score above the full-time one is a bad row: nothing of it is written.
    const impossible = await ingestion.importContent(played('1,0,H,3,0,H'));
    expect(impossible.issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'HTHG',
        severity: 'error',
        reason: 'half-time goals 3 exceed full-time goals 1',
      }),
    ]);
    expect(await stored()).toEqual({ home_goals: 2, away_goals: 1, home_ht: 1, away_ht: 0 });

    // A corrected result the stored half-time score cannot belong to: that score is cleared.
    const corrected = await ingestion.importContent(played('0,1,A,,,'));
    expect(corrected.counts).toMatchObject({ matchesUpdated: 1, warnings: 1 });
    expect(corrected.issues).toEqual([
      expect.objectContaining({
        line: 2,
        reason:
          'half-time score missing: the stored 1-0 does not fit the full-time 0-1 and is cleared',
      }),
    ]);
    expect(await stored()).toEqual({ home_goals: 0, away_goals: 1, home_ht: null, away_ht: null });
  });

  describe('a postponed fixture listed again on another day', () => {
    const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';
    const row =
      (home: string, away: string) =>
      (date: string, result = ',,,,,') =>
        `${header}\nSC0,${date},15:00,${home},${away},${result},2.1,3.4,3.3\n`;
    const listed = row('Hearts', 'Hibernian');
    const matchesOf = (home: string, away: string, season: string) =>
      query<{ id: number; status: string; kickoff: Date; source_key: string }>(
        testApp.databaseUrl,
        `select m.id, m.status::text, m.kickoff, m.source_key from matches m
         join teams h on h.id = m.home_team_id join teams a on a.id = m.away_team_id
         where h.name = $1 and a.name = $2 and m.season = $3 order by m.kickoff`,
        [home, away, season],
      );
    const fixtures = (season: string) => matchesOf('Hearts', 'Hibernian', season);

    it('moves the stored match (same id, new kick-off and key) instead of creating a second one', async () => {
      expect((await ingestion.importContent(listed('13/01/2032'))).counts.matchesInserted).toBe(1);
      const [scheduled] = await fixtures('2031-2032');
      const updated: number[] = [];
      testApp.app.get(DomainEvents).on('match.updated', ({ matchIds }) => {
        updated.push(...matchIds);
      });

      const moved = await ingestion.importContent(listed('20/02/2032'));
      expect(moved.counts).toMatchObject({ matchesInserted: 0, matchesUpdated: 1, warnings: 1 });
      expect(moved.issues).toEqual([
        {
          line: 2,
          column: null,
          severity: 'warning',
          reason:
            'rescheduled from 2032-01-13 to 2032-02-20: the stored match is moved, not duplicated',
        },
      ]);
      expect(await fixtures('2031-2032')).toEqual([
        {
          id: scheduled.id,
          status: 'scheduled',
          kickoff: new Date('2032-02-20T15:00:00Z'),
          source_key: 'SC0:2032-02-20:Hearts:Hibernian',
        },
      ]);
      // Cached predictions of the match are dropped, as for any change of its data.
      expect(updated).toContain(scheduled.id);
      // Importing the same file again changes nothing and reports nothing.
      const again = await ingestion.importContent(listed('20/02/2032'));
      expect(again.counts).toMatchObject({ matchesUpdated: 0, matchesUnchanged: 1, warnings: 0 });
      // The older listing again: the source's latest word wins, and the move is reported too.
      const back = await ingestion.importContent(listed('13/01/2032'));
      expect(back.issues).toEqual([
        expect.objectContaining({
          line: 2,
          reason: expect.stringMatching(/^rescheduled from 2032-02-20 to 2032-01-13/),
        }),
      ]);
      await ingestion.importContent(listed('20/02/2032'));

      // The result comes under the new date: the same match is finished.
      const played = await ingestion.importContent(listed('20/02/2032', '2,1,H,1,0,H'));
      expect(played.counts).toMatchObject({ matchesInserted: 0, matchesUpdated: 1, warnings: 0 });
      expect(await fixtures('2031-2032')).toEqual([
        expect.objectContaining({ id: scheduled.id, status: 'finished' }),
      ]);
    });

    it('keeps a moved match that has been played when its older listing is imported again', async () => {
      const derby = row('Dundee', 'Dundee United');
      const pairing = () => matchesOf('Dundee', 'Dundee United', '2031-2032');
      await ingestion.importContent(derby('14/01/2032'));
      await ingestion.importContent(derby('21/02/2032'));
      const played = await ingestion.importContent(derby('21/02/2032', '2,1,H,1,0,H'));
      expect(played.counts).toMatchObject({ matchesInserted: 0, matchesUpdated: 1 });
      const [match] = await pairing();
      const score = () =>
        query<{ home_goals: number; away_goals: number; odds: number }>(
          testApp.databaseUrl,
          `select home_goals, away_goals, (select count(*)::int from odds_snapshots
             where match_id = $1) as odds from matches where id = $1`,
          [match.id],
        );
      const before = await score();

      // Last month's listing again: the fixture it names was moved and played since.
      const stale = await ingestion.importContent(derby('14/01/2032'));
      expect(stale.outcome).toBe('committed');
      expect(stale.counts).toMatchObject({
        matchesInserted: 0,
        matchesUpdated: 0,
        matchesUnchanged: 1,
        rowsRejected: 0,
        warnings: 1,
      });
      expect(stale.issues).toEqual([
        {
          line: 2,
          column: null,
          severity: 'warning',
          reason:
            'listed on 2032-01-14, but this match was rescheduled to 2032-02-21 and has been played (2-1): kept as played',
        },
      ]);
      expect(await pairing()).toEqual([
        {
          id: match.id,
          status: 'finished',
          kickoff: new Date('2032-02-21T15:00:00Z'),
          source_key: 'SC0:2032-02-21:Dundee:Dundee United',
        },
      ]);
      expect(await score()).toEqual(before);
      // The same again changes nothing more, and says the same.
      const again = await ingestion.importContent(derby('14/01/2032'));
      expect(again.counts).toMatchObject({ matchesInserted: 0, warnings: 1 });
      expect(await pairing()).toHaveLength(1);
    });

    it("gives a pairing's second meeting at one ground its own match once the first is played", async () => {
      // Scottish clubs meet twice at one ground in a season: here the second meeting is listed
      // before the first one's result is stored, and takes its match for a while.
      const meeting = row('Kilmarnock', 'Motherwell');
      await ingestion.importContent(meeting('20/10/2033'));
      const early = await ingestion.importContent(meeting('15/02/2034'));
      expect(early.issues).toEqual([
        expect.objectContaining({
          reason: expect.stringMatching(/^rescheduled from 2033-10-20 to 2034-02-15/),
        }),
      ]);
      // The first meeting's result, under its own key, moves the match back and finishes it ...
      const result = await ingestion.importContent(meeting('20/10/2033', '1,1,D,0,0,D'));
      expect(result.issues).toEqual([
        expect.objectContaining({
          reason: expect.stringMatching(/^rescheduled from 2034-02-15 to 2033-10-20/),
        }),
      ]);
      // ... and the second meeting listed again is a match of its own.
      const second = await ingestion.importContent(meeting('15/02/2034'));
      expect(second.counts).toMatchObject({ matchesInserted: 1, warnings: 0 });
      expect(await matchesOf('Kilmarnock', 'Motherwell', '2033-2034')).toEqual([
        expect.objectContaining({
          status: 'finished',
          source_key: 'SC0:2033-10-20:Kilmarnock:Motherwell',
        }),
        expect.objectContaining({
          status: 'scheduled',
          source_key: 'SC0:2034-02-15:Kilmarnock:Motherwell',
        }),
      ]);
    });

    it('never merges a finished match, nor a fixture of another season', async () => {
      // A finished match is never moved: another row of the pairing is another match.
      const replay = await ingestion.importContent(listed('03/03/2032', '0,0,D,0,0,D'));
      expect(replay.counts).toMatchObject({ matchesInserted: 1, warnings: 0 });
      expect((await fixtures('2031-2032')).map((m) => m.status)).toEqual(['finished', 'finished']);

      // A fixture still scheduled in one season is not the pairing's match of the next.
      expect((await ingestion.importContent(listed('10/09/2032'))).counts.matchesInserted).toBe(1);
      const next = await ingestion.importContent(listed('15/08/2033'));
      expect(next.counts).toMatchObject({ matchesInserted: 1, warnings: 0 });
      expect(await fixtures('2032-2033')).toEqual([
        expect.objectContaining({ status: 'scheduled', kickoff: new Date('2032-09-10T14:00:00Z') }),
      ]);
      expect(await fixtures('2033-2034')).toHaveLength(1);

      // Outside leagues a pairing may meet twice a season: two friendlies stay two matches.
      const friendly = (date: string) =>
        'date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n' +
        `${date},Scotland,Norway,NA,NA,Friendly,Glasgow,Scotland,FALSE\n`;
      await ingestion.importContent(friendly('2033-06-05'));
      const second = await ingestion.importContent(friendly('2033-06-09'));
      expect(second.counts).toMatchObject({ matchesInserted: 1, warnings: 0 });
    });
  });
});
