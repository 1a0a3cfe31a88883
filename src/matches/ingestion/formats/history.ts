// The history CSVs (six leagues, 2009-10 on): one row per match with market-average 1X2,
// over/under 2.5 and both-teams-to-score odds, opening and closing.

import { clubSeasonOf, historyCompetition } from '../competitions';
import { parseCsv } from '../csv';
import type { MatchRecord, ParseResult, RowIssue } from '../match-record';
import {
  checkFootballDataColumns,
  type OddsColumns,
  readOdds,
  quoted,
  rejectCutShortRow,
  rejectNulCells,
  RowIssues,
} from '../row-checks';
import { CsvHeader } from '../table';
import { parseIsoDate, parseTime, type SourceTimeZone, zonedToUtc } from '../time';

export const HISTORY_FORMAT = 'history';
export const HISTORY_SOURCE = 'history';

export const HISTORY_REQUIRED_COLUMNS = [
  'Date',
  'country',
  'league',
  'HomeTeam',
  'AwayTeam',
  'FTHG',
  'FTAG',
] as const;

export interface HistoryParseOptions {
  /**
   * Zone of the `Date` column. Default 'UTC' (the file has no zone). Note: the kick-off times
   * look like Central European time (a 20:00 BST Premier League match reads 21:00), so
   * 'Europe/Paris' gives the true instants; the calendar date is the same either way.
   */
  timeZone?: SourceTimeZone;
}

const MARKET_AVERAGE = 'market-average';

const ODDS_COLUMNS: readonly OddsColumns[] = (['opening', 'closing'] as const).flatMap(
  (phase): OddsColumns[] => {
    const suffix = phase === 'opening' ? 'open' : 'close';
    return [
      {
        market: '1x2',
        phase,
        bookmaker: MARKET_AVERAGE,
        columns: { home: `home_${suffix}`, draw: `draw_${suffix}`, away: `away_${suffix}` },
      },
      {
        market: 'ou25',
        phase,
        bookmaker: MARKET_AVERAGE,
        columns: { over: `over_2.5_${suffix}`, under: `under_2.5_${suffix}` },
      },
      {
        market: 'btts',
        phase,
        bookmaker: MARKET_AVERAGE,
        columns: { yes: `bts_yes_${suffix}`, no: `bts_no_${suffix}` },
      },
    ];
  },
);

export function parseHistory(text: string, options: HistoryParseOptions = {}): ParseResult {
  const timeZone = options.timeZone ?? 'UTC';
  const [headerRow, ...rows] = parseCsv(text);
  const header = new CsvHeader(headerRow?.fields ?? []);
  header.require('history', HISTORY_REQUIRED_COLUMNS);

  const records: MatchRecord[] = [];
  const issues: RowIssue[] = [];
  for (const row of rows) {
    const checks = new RowIssues(row.line);
    rejectNulCells(row, header.names, checks);
    rejectCutShortRow(row, header, ['FTHG', 'FTAG'], checks);
    const cell = (name: string) => header.text(row, name);

    const dateText = cell('Date');
    const kickoff = parseKickoff(dateText, timeZone);
    if (!kickoff) checks.error('Date', `unparseable or impossible date ${quoted(dateText)}`);

    const country = cell('country');
    const league = cell('league');
    if (country === '') checks.error('country', 'missing country');
    if (league === '') checks.error('league', 'missing league');

    const { teams, result } = checkFootballDataColumns(cell, header.has('HTHG'), checks);
    const seasonText = cell('Season');
    const givenSeason = /^\d{4}-\d{4}$/.test(seasonText) ? seasonText : undefined;
    if (givenSeason && kickoff && !seasonContains(givenSeason, kickoff.date)) {
      checks.error('Season', `season '${givenSeason}' does not contain the date ${kickoff.date}`);
    }

    if (!checks.hasErrors && kickoff) {
      const competition = historyCompetition(country, league);
      const season = givenSeason ?? clubSeasonOf(kickoff.date, competition.code);
      records.push({
        line: row.line,
        source: HISTORY_SOURCE,
        sourceKey: `${country}/${league}:${kickoff.date}:${teams.home}:${teams.away}`,
        competition,
        season,
        kickoff: kickoff.instant,
        homeTeam: teams.home,
        awayTeam: teams.away,
        neutral: false,
        leagueFixture: true,
        ...result,
        odds: readOdds(ODDS_COLUMNS, (name) => header.cell(row, name), checks),
      });
    }
    issues.push(...checks.issues);
  }
  return { format: HISTORY_FORMAT, records, issues, rowsRead: rows.length };
}

export const parse = parseHistory;

/**
 * A club season 'YYYY-YYYY' spans two consecutive years and holds the match's year: another one
 * would file the match under the wrong season in every season filter and table.
 */
function seasonContains(season: string, date: string): boolean {
  const [first, second] = season.split('-').map(Number);
  const year = Number(date.slice(0, 4));
  return second === first + 1 && (year === first || year === second);
}

/** 'YYYY-MM-DD HH:MM[:SS]' (or a bare date, read as midnight). */
function parseKickoff(text: string, zone: SourceTimeZone): { instant: Date; date: string } | null {
  const [datePart, timePart, extra] = text.split(/[ T]/);
  if (extra !== undefined) return null;
  const date = parseIsoDate(datePart ?? '');
  const time = timePart === undefined ? { hour: 0, minute: 0, second: 0 } : parseTime(timePart);
  if (!date || !time) return null;
  return { instant: zonedToUtc({ ...date, ...time }, zone), date: datePart };
}
