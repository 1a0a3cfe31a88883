import { HISTORY_FILES, readSharedData } from '../../../../test/fixtures/shared-data';
import { UnsupportedFormatError } from '../errors';
import type { ParseResult } from '../match-record';
import { parseHistory } from './history';

const HEADER =
  'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG,HTHG,HTAG,home_close,home_open,' +
  'draw_close,draw_open,away_close,away_open,over_2.5_close,over_2.5_open,under_2.5_close,' +
  'under_2.5_open,bts_yes_close,bts_yes_open,bts_no_close,bts_no_open';

describe('history parser', () => {
  it('rejects a Season that does not contain the match date, naming the column', () => {
    const head = 'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG';
    const result = parseHistory(
      [
        head,
        '2024-08-03 15:00:00,england,premier-league,1900-2000,Wolves,Fulham,1,0',
        '2024-08-03 15:00:00,england,premier-league,2025-2024,Arsenal,Chelsea,1,0',
        '2024-08-03 15:00:00,england,premier-league,2022-2023,Everton,Brighton,1,0',
        '2025-05-03 15:00:00,england,premier-league,2024-2025,Liverpool,Everton,1,0',
        '2024-08-03 15:00:00,england,premier-league,,Leeds,Burnley,1,0',
      ].join('\n'),
    );
    expect(result.issues.map((i) => [i.line, i.column, i.severity])).toEqual([
      [2, 'Season', 'error'],
      [3, 'Season', 'error'],
      [4, 'Season', 'error'],
    ]);
    expect(result.records.map((r) => [r.line, r.season])).toEqual([
      [5, '2024-2025'],
      [6, '2024-2025'],
    ]);
  });

  describe('inline rows', () => {
    const result = parseHistory(
      [
        HEADER,
        '2009-08-15 13:45:00,england,premier-league,2009-2010,Chelsea,Hull City,2,1,1,1,1.17,1.19,6.91,6.64,20.64,18.47,1.58,1.62,2.3,2.23,,,,',
        '2024-08-16 21:00:00,england,premier-league,2024-2025,Manchester United,Fulham,1,0,0,0,1.65,1.55,4.19,4.15,5.03,5.01,1.6,1.48,2.36,2.46,1.61,1.58,2.25,2.3',
        '2024-09-01 17:00:00,spain,laliga,2024-2025,Atl. Madrid,Real Sociedad,,,,,,1.9,,3.5,,4.2,,,,,,,,',
      ].join('\n'),
    );

    it('maps a row to a MatchRecord, with the same competition codes as football-data.co.uk', () => {
      expect(result.issues).toEqual([]);
      expect(result.records[0]).toEqual({
        line: 2,
        source: 'history',
        sourceKey: 'england/premier-league:2009-08-15:Chelsea:Hull City',
        competition: { code: 'england/premier-league', name: 'Premier League', country: 'England' },
        season: '2009-2010',
        kickoff: new Date('2009-08-15T13:45:00Z'),
        homeTeam: 'Chelsea',
        awayTeam: 'Hull City',
        neutral: false,
        leagueFixture: true,
        status: 'finished',
        homeGoals: 2,
        awayGoals: 1,
        homeGoalsHalfTime: 1,
        awayGoalsHalfTime: 1,
        odds: [
          {
            market: '1x2',
            phase: 'opening',
            bookmaker: 'market-average',
            prices: { home: 1.19, draw: 6.64, away: 18.47 },
          },
          {
            market: 'ou25',
            phase: 'opening',
            bookmaker: 'market-average',
            prices: { over: 1.62, under: 2.23 },
          },
          {
            market: '1x2',
            phase: 'closing',
            bookmaker: 'market-average',
            prices: { home: 1.17, draw: 6.91, away: 20.64 },
          },
          {
            market: 'ou25',
            phase: 'closing',
            bookmaker: 'market-average',
            prices: { over: 1.58, under: 2.3 },
          },
        ],
      });
    });

    it('reads both-teams-to-score odds when present (2012-13 on)', () => {
      expect(result.records[1].odds).toContainEqual({
        market: 'btts',
        phase: 'closing',
        bookmaker: 'market-average',
        prices: { yes: 1.61, no: 2.25 },
      });
      expect(result.records[1].odds).toHaveLength(6);
    });

    it('keeps a row without scores as a scheduled fixture with its opening odds', () => {
      expect(result.records[2]).toMatchObject({
        competition: { code: 'spain/laliga', name: 'LaLiga', country: 'Spain' },
        status: 'scheduled',
        homeGoals: null,
        awayGoals: null,
      });
      expect(result.records[2].odds).toEqual([
        {
          market: '1x2',
          phase: 'opening',
          bookmaker: 'market-average',
          prices: { home: 1.9, draw: 3.5, away: 4.2 },
        },
      ]);
    });

    it('can read the times as Central European time', () => {
      const paris = parseHistory(
        [HEADER, '2024-08-16 21:00:00,england,premier-league,2024-2025,A,B,1,0,0,0'].join('\n'),
        {
          timeZone: 'Europe/Paris',
        },
      );
      expect(paris.records[0].kickoff.toISOString()).toBe('2024-08-16T19:00:00.000Z');
    });
  });

  it('reports bad rows with line and column', () => {
    const result = parseHistory(
      [
        HEADER,
        '2024-02-30 15:00:00,england,premier-league,2023-2024,Arsenal,Chelsea,1,0,0,0',
        '2024-03-02 15:00:00,england,premier-league,2023-2024,Arsenal,,1,0,0,0',
        '2024-03-02 15:00:00,england,premier-league,2023-2024,Everton,Fulham,1,-2,0,0',
        '2024-03-02 15:00:00,england,premier-league,2023-2024,Wolves,Luton,1,1,2,0',
        '2024-03-02 15:00:00,england,premier-league,2023-2024,Brentford,Burnley,2,1,1,0,x,2,3,3,4,4',
      ].join('\n'),
    );
    expect(result.records.map((record) => record.line)).toEqual([6]);
    expect(result.issues.map(({ line, column, severity }) => [line, column, severity])).toEqual([
      [2, 'Date', 'error'],
      [3, 'AwayTeam', 'error'],
      [4, 'FTAG', 'error'],
      [5, 'HTHG', 'error'],
      [6, 'home_close', 'warning'],
    ]);
  });

  it('refuses a file without the history columns', () => {
    expect(() => parseHistory('Date,HomeTeam,AwayTeam\n')).toThrow(UnsupportedFormatError);
  });

  describe('real files (../shared/data/football/history)', () => {
    const results = new Map<string, ParseResult>();
    beforeAll(() => {
      for (const file of HISTORY_FILES) {
        results.set(file, parseHistory(readSharedData('football', 'history', file)));
      }
    });
    const all = () => [...results.values()];

    it('reads exactly 32,529 matches from the six files, without a single rejected row', () => {
      expect(all().reduce((sum, result) => sum + result.records.length, 0)).toBe(32_529);
      expect(
        all().flatMap((result) => result.issues.filter((issue) => issue.severity === 'error')),
      ).toEqual([]);
      const codes = new Set(
        all().flatMap((result) => result.records.map((record) => record.competition.code)),
      );
      expect([...codes].sort()).toEqual([
        'england/premier-league',
        'france/ligue-1',
        'germany/bundesliga',
        'italy/serie-a',
        'netherlands/eredivisie',
        'spain/laliga',
      ]);
    });

    it('finds the week of impossible 1X2 odds (late Feb - early Mar 2016) and drops only those odds', () => {
      const warnings = all().flatMap((result) =>
        result.issues.map((issue) => ({
          issue,
          record: result.records.find((record) => record.line === issue.line)!,
        })),
      );
      // 155 warnings in all, every one an impossible booksum.
      expect(warnings).toHaveLength(155);
      expect(
        warnings.every(({ issue }) => /^impossible odds \(booksum \d\.\d{3}\)/.test(issue.reason)),
      ).toBe(true);

      const oneXTwo = warnings.filter(({ issue }) => issue.column?.startsWith('home_'));
      const inWeek = oneXTwo.filter(({ record }) => {
        const day = record.kickoff.toISOString().slice(0, 10);
        return day >= '2016-02-26' && day <= '2016-03-07';
      });
      expect(oneXTwo).toHaveLength(71);
      expect(inWeek).toHaveLength(61);
      expect(new Set(inWeek.map(({ record }) => record.sourceKey)).size).toBe(34);

      const premierLeague = results.get('england__premier-league.csv')!;
      expect(premierLeague.issues).toContainEqual({
        line: 2549,
        column: 'home_close/draw_close/away_close',
        severity: 'warning',
        reason: 'impossible odds (booksum 0.687): 1x2 closing market-average odds dropped',
      });
      const cityVilla = premierLeague.records.find((record) => record.line === 2549)!;
      expect(cityVilla.sourceKey).toBe(
        'england/premier-league:2016-03-05:Manchester City:Aston Villa',
      );
      expect(cityVilla.odds.some((odds) => odds.market === '1x2')).toBe(false);
      expect(cityVilla.odds.some((odds) => odds.market === 'ou25')).toBe(true);
    });
  });
});
