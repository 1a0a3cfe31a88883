// football-data.co.uk's CSV, every season's variant: dd/mm/yy without Time and BbAv* averages in
// the 2000s-2010s, dd/mm/yyyy with Time (UK local) and Avg*/PS* opening and closing odds later.

import { clubSeasonOf, divisionCompetition } from '../competitions';
import { type CsvRow, parseCsv } from '../csv';
import type { MatchRecord, OddsRecord, ParseResult, RowIssue } from '../match-record';
import {
  checkFootballDataColumns,
  checkLength,
  type OddsColumns,
  readOdds,
  quoted,
  rejectCutShortRow,
  rejectNulCells,
  RowIssues,
} from '../row-checks';
import { CsvHeader } from '../table';
import { formatIsoDate, parseDayMonthYear, parseTime, zonedToUtc } from '../time';
import { KNOWN_FOOTBALL_DATA_LAYOUTS } from './football-data-layouts';

export const FOOTBALL_DATA_FORMAT = 'football-data-co-uk';
export const FOOTBALL_DATA_SOURCE = 'football-data.co.uk';

export const FOOTBALL_DATA_REQUIRED_COLUMNS = ['Div', 'Date', 'HomeTeam', 'AwayTeam'] as const;

/** Files without a Time column: football-data's convention is a 15:00 UK kick-off. */
const DEFAULT_UK_KICKOFF = { hour: 15, minute: 0, second: 0 };

const MARKET_AVERAGE = 'market-average';
const PINNACLE = 'pinnacle';

function oneXTwo(phase: OddsColumns['phase'], bookmaker: string, prefix: string): OddsColumns {
  return {
    market: '1x2',
    phase,
    bookmaker,
    columns: { home: `${prefix}H`, draw: `${prefix}D`, away: `${prefix}A` },
  };
}

function overUnder(phase: OddsColumns['phase'], bookmaker: string, prefix: string): OddsColumns {
  return {
    market: 'ou25',
    phase,
    bookmaker,
    columns: { over: `${prefix}>2.5`, under: `${prefix}<2.5` },
  };
}

/**
 * Each entry is a list of alternatives for one market/phase/bookmaker: the first alternative
 * whose columns exist and hold a value is read (Avg* replaced BbAv* in 2019-20).
 */
const ODDS_SOURCES: readonly (readonly OddsColumns[])[] = [
  [oneXTwo('opening', MARKET_AVERAGE, 'Avg'), oneXTwo('opening', MARKET_AVERAGE, 'BbAv')],
  [oneXTwo('opening', PINNACLE, 'PS')],
  [oneXTwo('closing', MARKET_AVERAGE, 'AvgC')],
  [oneXTwo('closing', PINNACLE, 'PSC')],
  [overUnder('opening', MARKET_AVERAGE, 'Avg'), overUnder('opening', MARKET_AVERAGE, 'BbAv')],
  [overUnder('opening', PINNACLE, 'P')],
  [overUnder('closing', MARKET_AVERAGE, 'AvgC')],
  [overUnder('closing', PINNACLE, 'PC')],
];

export function parseFootballDataCoUk(text: string): ParseResult {
  const [headerRow, ...rows] = parseCsv(text);
  const fileHeader = new CsvHeader(headerRow?.fields ?? []);
  fileHeader.require('football-data.co.uk', FOOTBALL_DATA_REQUIRED_COLUMNS);
  const layouts = new LayoutResolver(fileHeader);

  const records: MatchRecord[] = [];
  const issues: RowIssue[] = [];
  for (const row of rows) {
    const checks = new RowIssues(row.line);
    const layout = layouts.headerFor(row);
    if (!layout) {
      checks.warning(
        null,
        `row has ${filledWidth(row)} filled fields but the header only ${fileHeader.names.length}` +
          ' columns and no known layout fits: odds dropped',
      );
    }
    rejectNulCells(row, (layout ?? fileHeader).names, checks);
    rejectCutShortRow(row, layout ?? fileHeader, ['FTHG', 'FTAG'], checks);
    const record = parseRow(row, layout ?? fileHeader, checks, layout !== null);
    if (record && !checks.hasErrors) records.push(record);
    issues.push(...checks.issues);
  }
  issues.push(...layouts.summaryIssues());
  issues.sort((a, b) => a.line - b.line);
  return { format: FOOTBALL_DATA_FORMAT, records, issues, rowsRead: rows.length };
}

export const parse = parseFootballDataCoUk;

function parseRow(
  row: CsvRow,
  header: CsvHeader,
  checks: RowIssues,
  withOdds: boolean,
): MatchRecord | null {
  const cell = (name: string) => header.text(row, name);

  const div = cell('Div');
  if (div === '') checks.error('Div', 'missing division code');
  // Real codes have 2-3 characters; the code goes into varchar(255) keys and names.
  checkLength(div, 'Div', 10, checks);

  const dateText = cell('Date');
  const date = parseDayMonthYear(dateText);
  if (!date) checks.error('Date', `unparseable or impossible date ${quoted(dateText)}`);
  const timeText = cell('Time');
  const time = timeText === '' ? DEFAULT_UK_KICKOFF : parseTime(timeText);
  if (!time) checks.error('Time', `unparseable time ${quoted(timeText)}`);

  const { teams, result } = checkFootballDataColumns(cell, header.has('HTHG'), checks);
  if (checks.hasErrors || !date || !time) return null;

  const isoDate = formatIsoDate(date);
  const competition = divisionCompetition(div);
  return {
    line: row.line,
    source: FOOTBALL_DATA_SOURCE,
    sourceKey: `${div}:${isoDate}:${teams.home}:${teams.away}`,
    competition,
    season: clubSeasonOf(isoDate, competition.code),
    kickoff: zonedToUtc({ ...date, ...time }, 'Europe/London'),
    homeTeam: teams.home,
    awayTeam: teams.away,
    neutral: false,
    leagueFixture: true,
    ...result,
    odds: withOdds ? readFootballDataOdds(row, header, checks) : [],
  };
}

function readFootballDataOdds(row: CsvRow, header: CsvHeader, checks: RowIssues): OddsRecord[] {
  const cell = (name: string) => header.cell(row, name);
  const chosen: OddsColumns[] = [];
  for (const alternatives of ODDS_SOURCES) {
    const present = alternatives.find((spec) =>
      Object.values(spec.columns).some((column) => (cell(column) ?? '') !== ''),
    );
    if (present) chosen.push(present);
  }
  return readOdds(chosen, cell, checks);
}

/**
 * Picks the header a row is read with. Normally the file's own; a row wider than it (a later
 * season appended under an older header) is read with the known layout of exactly its width;
 * null when none fits (the match columns are still read, but the odds cannot be located).
 */
class LayoutResolver {
  private readonly known = KNOWN_FOOTBALL_DATA_LAYOUTS.map((layout) => ({
    name: layout.name,
    header: new CsvHeader(layout.columns),
  }));
  private readonly used = new Map<string, number[]>();

  constructor(private readonly fileHeader: CsvHeader) {}

  headerFor(row: CsvRow): CsvHeader | null {
    if (filledWidth(row) <= this.fileHeader.names.length) return this.fileHeader;
    const width = row.fields.length;
    const match = this.known.find(
      (layout) =>
        layout.header.names.length === width || layout.header.names.length === filledWidth(row),
    );
    if (!match || !this.sameMatchColumns(match.header)) return null;
    const lines = this.used.get(match.name) ?? [];
    lines.push(row.line);
    this.used.set(match.name, lines);
    return match.header;
  }

  /** One warning per substituted layout, at its first line, rather than one per row. */
  summaryIssues(): RowIssue[] {
    return [...this.used].map(([name, lines]) => ({
      line: lines[0],
      column: null,
      severity: 'warning' as const,
      reason:
        `${lines.length} row(s) from line ${lines[0]} are wider than the header ` +
        `(${this.fileHeader.names.length} columns): read with the known ${name} layout`,
    }));
  }

  /** The match columns (Div..HTAG) must sit where the file header says, or the guess is wrong. */
  private sameMatchColumns(layout: CsvHeader): boolean {
    return ['Div', 'Date', 'HomeTeam', 'AwayTeam', 'FTHG', 'FTAG'].every(
      (name) => layout.indexOf(name) === this.fileHeader.indexOf(name),
    );
  }
}

/** Width up to the last non-empty field (trailing empty cells are padding). */
function filledWidth(row: CsvRow): number {
  let width = row.fields.length;
  while (width > 0 && row.fields[width - 1].trim() === '') width--;
  return width;
}
