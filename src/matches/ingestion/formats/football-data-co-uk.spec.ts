import { readSharedData } from '../../../../test/fixtures/shared-data';
import { UnsupportedFormatError } from '../errors';
import type { MatchRecord, OddsRecord } from '../match-record';
import { parseFootballDataCoUk } from './football-data-co-uk';
import { KNOWN_FOOTBALL_DATA_LAYOUTS } from './football-data-layouts';

const oddsOf = (record: MatchRecord, market: string, phase: string, bookmaker: string) =>
  record.odds.find(
    (odds: OddsRecord) =>
      odds.market === market && odds.phase === phase && odds.bookmaker === bookmaker,
  )?.prices;

describe('football-data.co.uk parser', () => {
  describe('2009-10 variant: dd/mm/yy, no Time, BbAv averages, no Pinnacle', () => {
    const text = [
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,B365H,B365D,B365A,BbAvH,BbAvD,BbAvA,BbAv>2.5,BbAv<2.5',
      'E0,15/08/09,Aston Villa,Wigan,0,2,A,0,1,A,M Clattenburg,1.67,3.6,5.5,1.65,3.53,5.34,1.9,1.86',
      'E0,26/12/09,Hull,Man City,1,1,D,0,1,A,A Marriner,5.5,3.75,1.62,5.38,3.67,1.63,1.78,1.98',
    ].join('\n');
    const result = parseFootballDataCoUk(text);

    it('reads every row without issues', () => {
      expect(result.issues).toEqual([]);
      expect(result.rowsRead).toBe(2);
      expect(result.records).toHaveLength(2);
    });

    it('assumes a 15:00 UK kick-off, converted to UTC (BST in August, GMT in December)', () => {
      expect(result.records[0].kickoff.toISOString()).toBe('2009-08-15T14:00:00.000Z');
      expect(result.records[1].kickoff.toISOString()).toBe('2009-12-26T15:00:00.000Z');
    });

    it('maps the division, season, source key and result', () => {
      const [villa] = result.records;
      expect(villa).toMatchObject({
        line: 2,
        source: 'football-data.co.uk',
        sourceKey: 'E0:2009-08-15:Aston Villa:Wigan',
        competition: { code: 'england/premier-league', name: 'Premier League', country: 'England' },
        season: '2009-2010',
        homeTeam: 'Aston Villa',
        awayTeam: 'Wigan',
        neutral: false,
        status: 'finished',
        homeGoals: 0,
        awayGoals: 2,
        homeGoalsHalfTime: 0,
        awayGoalsHalfTime: 1,
      });
    });

    it('takes BbAv* as the opening market average, and nothing else', () => {
      const [villa] = result.records;
      expect(villa.odds).toEqual([
        {
          market: '1x2',
          phase: 'opening',
          bookmaker: 'market-average',
          prices: { home: 1.65, draw: 3.53, away: 5.34 },
        },
        {
          market: 'ou25',
          phase: 'opening',
          bookmaker: 'market-average',
          prices: { over: 1.9, under: 1.86 },
        },
      ]);
    });
  });

  describe('2012-13 variant: dd/mm/yy with BbAv and PS (Pinnacle) columns, some empty', () => {
    const result = parseFootballDataCoUk(
      [
        'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,BbAvH,BbAvD,BbAvA,BbAv>2.5,BbAv<2.5,PSH,PSD,PSA',
        'E0,18/08/12,Arsenal,Sunderland,0,0,D,0,0,D,1.38,4.6,8.41,1.65,2.2,1.42,4.81,9.15',
        'E0,18/08/12,Fulham,Norwich,5,0,H,2,0,H,1.84,3.53,4.37,1.83,1.94,,,',
      ].join('\n'),
    );

    it('adds Pinnacle opening odds when present and skips empty ones silently', () => {
      expect(result.issues).toEqual([]);
      expect(oddsOf(result.records[0], '1x2', 'opening', 'pinnacle')).toEqual({
        home: 1.42,
        draw: 4.81,
        away: 9.15,
      });
      expect(oddsOf(result.records[1], '1x2', 'opening', 'pinnacle')).toBeUndefined();
      expect(oddsOf(result.records[1], '1x2', 'opening', 'market-average')).toEqual({
        home: 1.84,
        draw: 3.53,
        away: 4.37,
      });
      expect(result.records[0].season).toBe('2012-2013');
    });
  });

  describe('2024-25 variant: dd/mm/yyyy with Time, Avg/PS opening and C closing columns', () => {
    const header =
      'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,PSH,PSD,PSA,AvgH,AvgD,AvgA,' +
      'P>2.5,P<2.5,Avg>2.5,Avg<2.5,PSCH,PSCD,PSCA,AvgCH,AvgCD,AvgCA,PC>2.5,PC<2.5,AvgC>2.5,AvgC<2.5';
    const rows = [
      'E0,16/08/2024,20:00,Man United,Fulham,1,0,H,0,0,D,R Jones,1.63,4.38,5.3,1.62,4.36,5.15,1.56,2.56,1.53,2.52,1.65,4.23,5.28,1.66,4.2,5.02,1.63,2.38,1.61,2.37',
      'E0,26/12/2024,15:00,Chelsea,Fulham,1,2,A,1,0,H,"Bankes, P",1.4,5.2,7.5,1.39,5,7.2,1.5,2.6,1.48,2.6,1.45,5,6.6,1.44,4.9,6.5,1.55,2.5,1.53,2.48',
      'E0,30/03/2025,14:00,Tottenham,Southampton,3,1,H,2,0,H,S Barrott,1.3,6,9,1.3,5.8,8.6,1.4,3,1.38,2.9,1.28,6.2,10,1.29,6,9.4,1.42,2.9,1.4,2.85',
      'E0,26/10/2025,14:00,Arsenal,Crystal Palace,1,0,H,1,0,H,C Kavanagh,1.5,4.3,7,1.49,4.2,6.6,1.9,1.95,1.86,1.94,1.48,4.4,7.2,1.47,4.3,6.9,1.95,1.92,1.9,1.9',
      'E0,25/10/2025,17:30,Newcastle,Fulham,,,,,,,,1.55,4.2,6,1.54,4.1,5.8,1.7,2.2,1.68,2.15,,,,,,,,,,',
    ];
    const text = `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n\r\n,,,,\r\n`;
    const result = parseFootballDataCoUk(text);

    it('handles the BOM, CRLF, quoted fields and trailing empty lines', () => {
      expect(result.issues).toEqual([]);
      expect(result.rowsRead).toBe(5);
      expect(result.records.map((record) => record.line)).toEqual([2, 3, 4, 5, 6]);
    });

    it('converts UK local time to UTC: BST (UTC+1) vs GMT across both clock changes', () => {
      expect(result.records.map((record) => record.kickoff.toISOString())).toEqual([
        '2024-08-16T19:00:00.000Z',
        '2024-12-26T15:00:00.000Z',
        '2025-03-30T13:00:00.000Z',
        '2025-10-26T14:00:00.000Z',
        '2025-10-25T16:30:00.000Z',
      ]);
    });

    it('reads opening and closing odds for the market average and Pinnacle', () => {
      const [first] = result.records;
      expect(first.odds).toHaveLength(8);
      expect(oddsOf(first, '1x2', 'opening', 'market-average')).toEqual({
        home: 1.62,
        draw: 4.36,
        away: 5.15,
      });
      expect(oddsOf(first, '1x2', 'opening', 'pinnacle')).toEqual({
        home: 1.63,
        draw: 4.38,
        away: 5.3,
      });
      expect(oddsOf(first, '1x2', 'closing', 'market-average')).toEqual({
        home: 1.66,
        draw: 4.2,
        away: 5.02,
      });
      expect(oddsOf(first, '1x2', 'closing', 'pinnacle')).toEqual({
        home: 1.65,
        draw: 4.23,
        away: 5.28,
      });
      expect(oddsOf(first, 'ou25', 'opening', 'market-average')).toEqual({
        over: 1.53,
        under: 2.52,
      });
      expect(oddsOf(first, 'ou25', 'opening', 'pinnacle')).toEqual({ over: 1.56, under: 2.56 });
      expect(oddsOf(first, 'ou25', 'closing', 'market-average')).toEqual({
        over: 1.61,
        under: 2.37,
      });
      expect(oddsOf(first, 'ou25', 'closing', 'pinnacle')).toEqual({ over: 1.63, under: 2.38 });
    });

    it('derives July-June seasons from the date', () => {
      expect(result.records.map((record) => record.season)).toEqual([
        '2024-2025',
        '2024-2025',
        '2024-2025',
        '2025-2026',
        '2025-2026',
      ]);
    });

    it('keeps a future fixture (no scores) as scheduled with null goals', () => {
      expect(result.records[4]).toMatchObject({
        sourceKey: 'E0:2025-10-25:Newcastle:Fulham',
        status: 'scheduled',
        homeGoals: null,
        awayGoals: null,
        homeGoalsHalfTime: null,
        awayGoalsHalfTime: null,
      });
      expect(result.records[4].odds.map((odds) => `${odds.market}/${odds.phase}`)).toEqual([
        '1x2/opening',
        '1x2/opening',
        'ou25/opening',
        'ou25/opening',
      ]);
    });
  });

  it('puts the 2019-20 season matches played in July 2020 in 2019-2020 (COVID extension)', () => {
    const result = parseFootballDataCoUk(
      [
        'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG',
        'E0,26/07/2020,16:00,Man City,Norwich,5,0',
        'E0,12/09/2020,12:30,Fulham,Arsenal,0,3',
        'F1,22/08/2020,21:00,Bordeaux,Nantes,0,2',
      ].join('\n'),
    );
    expect(result.records.map((record) => record.season)).toEqual([
      '2019-2020',
      '2020-2021',
      '2020-2021',
    ]);
  });

  it('maps division codes to the same competition codes as the history files', () => {
    const result = parseFootballDataCoUk(
      [
        'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG',
        'SP1,18/08/12,Celta,Malaga,0,1',
        'I1,25/08/12,Milan,Sampdoria,0,1',
        'D1,24/08/12,Dortmund,Werder Bremen,2,1',
        'F1,10/08/12,Montpellier,Toulouse,1,1',
        'N1,11/08/12,Ajax,AZ Alkmaar,2,2',
        'SC0,04/08/12,Celtic,Aberdeen,1,0',
        'X9,04/08/12,Some FC,Other FC,1,0',
      ].join('\n'),
    );
    expect(result.records.map((record) => record.competition.code)).toEqual([
      'spain/laliga',
      'italy/serie-a',
      'germany/bundesliga',
      'france/ligue-1',
      'netherlands/eredivisie',
      'scotland/premiership',
      'football-data/x9',
    ]);
    expect(result.records[5].competition).toEqual({
      code: 'scotland/premiership',
      name: 'Premiership',
      country: 'Scotland',
    });
  });

  describe('rows wider than the header (a later season appended under an older header)', () => {
    const layout = KNOWN_FOOTBALL_DATA_LAYOUTS[0].columns;
    const values = (overrides: Record<string, string>) =>
      layout.map((column) => overrides[column] ?? '').join(',');
    const oldHeader =
      'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,AvgH,AvgD,AvgA';

    it('reads them with the known layout of their exact width, with one warning', () => {
      const wide = values({
        Div: 'E0',
        Date: '15/08/2025',
        Time: '20:00',
        HomeTeam: 'Liverpool',
        AwayTeam: 'Bournemouth',
        FTHG: '4',
        FTAG: '2',
        BMGMH: '1.29', // sits where the old header has AvgH: must not be read as the average
        AvgH: '1.31',
        AvgD: '5.96',
        AvgA: '8.31',
      });
      const result = parseFootballDataCoUk(
        [
          oldHeader,
          'E0,16/08/2024,20:00,Man United,Fulham,1,0,H,0,0,D,R Jones,1.62,4.36,5.15',
          wide,
          wide.replace('Liverpool', 'Arsenal'),
        ].join('\n'),
      );
      expect(result.records).toHaveLength(3);
      expect(oddsOf(result.records[1], '1x2', 'opening', 'market-average')).toEqual({
        home: 1.31,
        draw: 5.96,
        away: 8.31,
      });
      expect(result.issues).toEqual([
        expect.objectContaining({
          line: 3,
          severity: 'warning',
          reason: expect.stringContaining('2 row(s) from line 3'),
        }),
      ]);
    });

    it('keeps the match but drops the odds when no known layout fits', () => {
      const result = parseFootballDataCoUk(
        [
          oldHeader,
          'E0,16/08/2024,20:00,Man United,Fulham,1,0,H,0,0,D,R Jones,1.62,4.36,5.15,9,9,9',
        ].join('\n'),
      );
      expect(result.records).toHaveLength(1);
      expect(result.records[0].odds).toEqual([]);
      expect(result.issues).toEqual([
        expect.objectContaining({
          line: 2,
          severity: 'warning',
          reason: expect.stringContaining('odds dropped'),
        }),
      ]);
    });
  });

  describe('bad rows', () => {
    const text = [
      'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA,Avg>2.5,Avg<2.5',
      'E0,16/08/2024,20:00,Man United,Fulham,1,0,H,0,0,D,1.62,4.36,5.15,1.53,2.52', // 2 ok
      'E0,31/02/2024,15:00,Arsenal,Wolves,2,0,H,1,0,H,1.2,6,13,1.5,2.6', // 3 impossible date
      'E0,17/08/2024,15:00,Everton,Brighton,-1,3,A,0,1,A,2.5,3.4,2.8,1.7,2.1', // 4 negative score
      'E0,17/08/2024,15:00,,Southampton,1,0,H,1,0,H,1.4,4.8,7.5,1.4,2.9', // 5 missing team
      'E0,17/08/2024,15:00,Ipswich,Liverpool,0,2,A,1,0,H,8.3,5.8,1.34,1.41,2.94', // 6 HT > FT
      'E0,18/08/2024,16:30,Chelsea,Man City,0,2,A,0,1,A,abc,3.9,1.7,1.6,2.3', // 7 garbage odds
      'E0,18/08/2024,14:00,Brentford,Crystal Palace,2,1,H,1,0,H,2.5,3.5,3.0,1.8,2.0', // 8 booksum 1.019: ok
      'E0,19/08/2024,20:00,Wolves,Wolves,1,1,D,0,0,D,,,,,', // 9 same team
      'E0,19/08/2024,20:00,Leicester,Tottenham,1,,D,0,0,D,,,,,', // 10 one score only
      'E0,19/08/2024,20:00,Leicester,Spurs,1.5,1,D,0,0,D,,,,,', // 11 non-integer score
      'E0,24/08/2024,25:00,Brighton,Man United,2,1,H,0,0,D,,,,,', // 12 bad time
      'E0,24/08/2024,15:00,Fulham,Leicester,2,1,H,1,1,D,1.3,2.0,2.5,1.05,1.1', // 13 booksum 1.669 1x2, ou 1.861
      'E0,24/08/2024,15:00,Palace,West Ham,0,2,A,0,1,A,5,5,5,3,3', // 14 booksum 0.6
    ].join('\n');
    const result = parseFootballDataCoUk(text);
    const issueAt = (line: number) => result.issues.filter((issue) => issue.line === line);

    it('rejects each bad row with its line and column, and keeps the good ones', () => {
      expect(result.rowsRead).toBe(13);
      expect(result.records.map((record) => record.line)).toEqual([2, 7, 8, 13, 14]);
      expect(issueAt(3)).toEqual([
        {
          line: 3,
          column: 'Date',
          severity: 'error',
          reason: "unparseable or impossible date '31/02/2024'",
        },
      ]);
      expect(issueAt(4)).toEqual([
        { line: 4, column: 'FTHG', severity: 'error', reason: 'score -1 is negative' },
      ]);
      expect(issueAt(5)).toEqual([
        { line: 5, column: 'HomeTeam', severity: 'error', reason: 'missing home team' },
      ]);
      expect(issueAt(6)).toEqual([
        {
          line: 6,
          column: 'HTHG',
          severity: 'error',
          reason: 'half-time goals 1 exceed full-time goals 0',
        },
      ]);
      expect(issueAt(9)).toEqual([
        expect.objectContaining({
          column: 'AwayTeam',
          severity: 'error',
          reason: expect.stringMatching(/same/),
        }),
      ]);
      expect(issueAt(10)).toEqual([
        expect.objectContaining({
          column: 'FTAG',
          severity: 'error',
          reason: expect.stringMatching(/only one/),
        }),
      ]);
      expect(issueAt(11)).toEqual([
        expect.objectContaining({
          column: 'FTHG',
          severity: 'error',
          reason: "score '1.5' is not a whole number",
        }),
      ]);
      expect(issueAt(12)).toEqual([expect.objectContaining({ column: 'Time', severity: 'error' })]);
    });

    it('drops garbage and impossible odds with a warning, keeping the match', () => {
      expect(issueAt(7)).toEqual([
        {
          line: 7,
          column: 'AvgH',
          severity: 'warning',
          reason: "price 'abc' is not a decimal price > 1: 1x2 opening market-average odds dropped",
        },
      ]);
      const chelsea = result.records.find((record) => record.line === 7)!;
      expect(chelsea.odds.map((odds) => odds.market)).toEqual(['ou25']);

      expect(issueAt(8)).toEqual([]);
      expect(issueAt(13)).toEqual([
        expect.objectContaining({
          column: 'AvgH/AvgD/AvgA',
          severity: 'warning',
          reason: 'impossible odds (booksum 1.669): 1x2 opening market-average odds dropped',
        }),
        expect.objectContaining({
          column: 'Avg>2.5/Avg<2.5',
          severity: 'warning',
          reason: expect.stringMatching(/^impossible odds \(booksum 1\.861\)/),
        }),
      ]);
      expect(issueAt(14).map((issue) => issue.reason)).toEqual([
        'impossible odds (booksum 0.600): 1x2 opening market-average odds dropped',
        'impossible odds (booksum 0.667): ou25 opening market-average odds dropped',
      ]);
      expect(result.records.find((record) => record.line === 14)!.odds).toEqual([]);
    });
  });

  it('refuses a file without the football-data.co.uk columns', () => {
    expect(() => parseFootballDataCoUk('a,b,c\n1,2,3')).toThrow(UnsupportedFormatError);
    expect(() => parseFootballDataCoUk('a,b,c\n1,2,3')).toThrow(/missing column\(s\) Div, Date/);
  });

  describe('real files (../shared/data)', () => {
    it('reads E0.csv: 450 matches of 2024-25 and 2025-26', () => {
      const result = parseFootballDataCoUk(
        readSharedData('football', 'football-data-co-uk', 'E0.csv'),
      );
      expect(result.records).toHaveLength(450);
      expect(result.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
      const seasons = new Set(result.records.map((record) => record.season));
      expect([...seasons]).toEqual(['2024-2025', '2025-2026']);
      // Every 2025-26 row has its (correctly located) market-average opening 1X2.
      const latest = result.records.filter((record) => record.season === '2025-2026');
      expect(latest).toHaveLength(70);
      for (const record of latest)
        expect(oddsOf(record, '1x2', 'opening', 'market-average')).toBeDefined();
      const liverpool = latest[0];
      expect(liverpool.sourceKey).toBe('E0:2025-08-15:Liverpool:Bournemouth');
      expect(liverpool.kickoff.toISOString()).toBe('2025-08-15T19:00:00.000Z');
      expect(oddsOf(liverpool, '1x2', 'opening', 'market-average')).toEqual({
        home: 1.31,
        draw: 5.96,
        away: 8.31,
      });
      expect(oddsOf(liverpool, '1x2', 'opening', 'pinnacle')).toEqual({
        home: 1.28,
        draw: 6.56,
        away: 9.07,
      });
    });

    it('reads SC0.csv: 271 matches', () => {
      const result = parseFootballDataCoUk(
        readSharedData('football', 'football-data-co-uk', 'SC0.csv'),
      );
      expect(result.records).toHaveLength(271);
      expect(result.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
      expect(result.records[0].competition.code).toBe('scotland/premiership');
    });
  });
});
