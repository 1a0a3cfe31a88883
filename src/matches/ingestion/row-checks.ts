// Row validation shared by the formats: scores, team names and odds. Each check appends
// RowIssues; a row with any 'error' is rejected by its parser, 'warning's only drop a part.

import type { CsvRow } from './csv';
import type { CsvHeader } from './table';
import type { MatchStatus, OddsMarket, OddsPhase, OddsRecord, RowIssue } from './match-record';

/** Below 1 a set of prices is an arbitrage no bookmaker offers; above 1.5 it is a data error. */
export const MIN_BOOKSUM = 1;
export const MAX_BOOKSUM = 1.5;
const BOOKSUM_EPSILON = 1e-9;

/** Above any real score (the record is 149) and far below smallint, where PostgreSQL would fail the whole import. */
export const MAX_GOALS = 200;
/** Longest team name kept: the alias API's limit, and short enough for varchar(255) keys. */
export const MAX_TEAM_NAME_LENGTH = 120;

/** Longest part of a cell an issue quotes. */
const QUOTED_CELL_LENGTH = 40;

/**
 * A cell quoted in an issue, shortened: issues are stored on the run and listed by the API, and
 * a file of huge bad cells would otherwise be stored again in them.
 */
export function quoted(text: string): string {
  const shown =
    text.length > QUOTED_CELL_LENGTH
      ? `${text.slice(0, QUOTED_CELL_LENGTH)}… (${text.length} characters)`
      : text;
  return `'${shown}'`;
}

export class RowIssues {
  readonly issues: RowIssue[] = [];
  private errorCount = 0;

  constructor(readonly line: number) {}

  error(column: string | null, reason: string): void {
    this.issues.push({ line: this.line, column, reason, severity: 'error' });
    this.errorCount++;
  }

  warning(column: string | null, reason: string): void {
    this.issues.push({ line: this.line, column, reason, severity: 'warning' });
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }
}

/**
 * PostgreSQL refuses NUL in text, so one such cell would fail the whole import: its row is
 * rejected instead, and the NULs are replaced so later checks can quote the cell
 * safely (U+FFFD, the replacement character).
 */
export function rejectNulCells(
  row: CsvRow,
  columnNames: readonly string[],
  issues: RowIssues,
): void {
  for (let i = 0; i < row.fields.length; i++) {
    if (!row.fields[i].includes('\0')) continue;
    issues.error(columnNames[i] || `column ${i + 1}`, 'contains a NUL character');
    row.fields[i] = row.fields[i].replaceAll('\0', '\uFFFD');
  }
}

/**
 * A row that ends before its score columns (a line cut short, a lost delimiter) cannot say
 * whether the match was played: read as it is, its blank goals would make it a fixture still to
 * be played. It is rejected, naming the first score column it lacks.
 */
export function rejectCutShortRow(
  row: CsvRow,
  header: CsvHeader,
  scoreColumns: readonly string[],
  issues: RowIssues,
): void {
  const lacking = scoreColumns.find((name) => header.indexOf(name) >= row.fields.length);
  if (lacking === undefined) return;
  issues.error(
    lacking,
    `row has ${row.fields.length} field(s) but the header ${header.names.length} columns: ` +
      `cut short before ${lacking}`,
  );
}

export interface TeamCells {
  home: string;
  away: string;
  homeColumn: string;
  awayColumn: string;
}

/** Trims the team names; missing names and a team playing itself are errors. */
export function checkTeams(cells: TeamCells, row: RowIssues): { home: string; away: string } {
  const home = cells.home.trim();
  const away = cells.away.trim();
  if (home === '') row.error(cells.homeColumn, 'missing home team');
  if (away === '') row.error(cells.awayColumn, 'missing away team');
  checkLength(home, cells.homeColumn, MAX_TEAM_NAME_LENGTH, row);
  checkLength(away, cells.awayColumn, MAX_TEAM_NAME_LENGTH, row);
  if (home !== '' && home.toLowerCase() === away.toLowerCase()) {
    row.error(cells.awayColumn, `home and away team are the same (${quoted(home)})`);
  }
  return { home, away };
}

export interface ScoreCells {
  home: string;
  away: string;
  homeColumn: string;
  awayColumn: string;
}

export interface MatchResult {
  status: MatchStatus;
  homeGoals: number | null;
  awayGoals: number | null;
  homeGoalsHalfTime: number | null;
  awayGoalsHalfTime: number | null;
}

/**
 * Reads full-time (and optional half-time) scores. Both full-time cells empty means a fixture
 * not yet played ('scheduled'); `notPlayedMarkers` lists other spellings of "no score" (NA).
 */
export function checkResult(
  fullTime: ScoreCells,
  halfTime: ScoreCells | null,
  row: RowIssues,
  notPlayedMarkers: readonly string[] = [],
): MatchResult {
  const ftRead = readScorePair(fullTime, row, notPlayedMarkers, 'full-time');
  const htRead = halfTime ? readScorePair(halfTime, row, notPlayedMarkers, 'half-time') : EMPTY;
  const ft = typeof ftRead === 'object' ? ftRead : null;
  const ht = typeof htRead === 'object' ? htRead : null;
  if (ftRead === EMPTY && htRead !== EMPTY) {
    row.error(halfTime!.homeColumn, 'half-time score without a full-time score');
  }
  if (ft && ht) {
    if (ht.home > ft.home) {
      row.error(
        halfTime!.homeColumn,
        `half-time goals ${ht.home} exceed full-time goals ${ft.home}`,
      );
    }
    if (ht.away > ft.away) {
      row.error(
        halfTime!.awayColumn,
        `half-time goals ${ht.away} exceed full-time goals ${ft.away}`,
      );
    }
  }
  return {
    status: ft ? 'finished' : 'scheduled',
    homeGoals: ft?.home ?? null,
    awayGoals: ft?.away ?? null,
    homeGoalsHalfTime: ht?.home ?? null,
    awayGoalsHalfTime: ht?.away ?? null,
  };
}

const EMPTY = 'empty';
const INVALID = 'invalid';

/** The pair of goals, EMPTY when both cells are blank, INVALID (reported on `row`) otherwise. */
function readScorePair(
  cells: ScoreCells,
  row: RowIssues,
  notPlayedMarkers: readonly string[],
  label: string,
): { home: number; away: number } | typeof EMPTY | typeof INVALID {
  const home = cells.home.trim();
  const away = cells.away.trim();
  const homeEmpty = home === '' || notPlayedMarkers.includes(home);
  const awayEmpty = away === '' || notPlayedMarkers.includes(away);
  if (homeEmpty && awayEmpty) return EMPTY;
  if (homeEmpty !== awayEmpty) {
    const column = homeEmpty ? cells.homeColumn : cells.awayColumn;
    row.error(column, `only one of the two ${label} scores is present`);
    return INVALID;
  }
  const homeGoals = readGoals(home, cells.homeColumn, row);
  const awayGoals = readGoals(away, cells.awayColumn, row);
  return homeGoals === null || awayGoals === null ? INVALID : { home: homeGoals, away: awayGoals };
}

function readGoals(text: string, column: string, row: RowIssues): number | null {
  if (!/^-?\d+(\.0+)?$/.test(text)) {
    row.error(column, `score ${quoted(text)} is not a whole number`);
    return null;
  }
  const goals = Number(text);
  if (goals < 0) {
    row.error(column, `score ${text} is negative`);
    return null;
  }
  if (goals > MAX_GOALS) {
    row.error(column, `score ${text} is not a real score (at most ${MAX_GOALS})`);
    return null;
  }
  return goals;
}

/** A cell longer than `max` characters is an error: the column it is stored in cannot take it. */
export function checkLength(text: string, column: string, max: number, row: RowIssues): void {
  if (text.length > max) {
    row.error(column, `${text.length} characters, at most ${max}`);
  }
}

/** Where one market/phase/bookmaker's prices live: outcome -> column name. */
export interface OddsColumns {
  market: OddsMarket;
  phase: OddsPhase;
  bookmaker: string;
  columns: Readonly<Record<string, string>>;
}

/**
 * Reads the odds sets. `cell` returns undefined when the file has no such column, and such sets
 * are skipped silently, as are all-empty ones; malformed or impossible sets are dropped with a
 * warning and never fail the row.
 */
export function readOdds(
  specs: readonly OddsColumns[],
  cell: (column: string) => string | undefined,
  row: RowIssues,
): OddsRecord[] {
  const odds: OddsRecord[] = [];
  for (const spec of specs) {
    const record = readOddsSet(spec, cell, row);
    if (record) odds.push(record);
  }
  return odds;
}

/** Outcome/column pairs of each spec, computed once: readOddsSet runs for every row. */
const compiledSpecs = new WeakMap<OddsColumns, { outcomes: string[]; columns: string[] }>();

function compile(spec: OddsColumns): { outcomes: string[]; columns: string[] } {
  let compiled = compiledSpecs.get(spec);
  if (!compiled) {
    compiled = { outcomes: Object.keys(spec.columns), columns: Object.values(spec.columns) };
    compiledSpecs.set(spec, compiled);
  }
  return compiled;
}

function readOddsSet(
  spec: OddsColumns,
  cell: (column: string) => string | undefined,
  row: RowIssues,
): OddsRecord | null {
  const { outcomes, columns } = compile(spec);
  const raw: string[] = new Array<string>(columns.length);
  let filled = false;
  for (let i = 0; i < columns.length; i++) {
    const value = cell(columns[i]);
    if (value === undefined) return null;
    raw[i] = value.trim();
    if (raw[i] !== '') filled = true;
  }
  if (!filled) return null;

  const what = () => `${spec.market} ${spec.phase} ${spec.bookmaker} odds`;
  const prices: Record<string, number> = {};
  let booksum = 0;
  for (let i = 0; i < columns.length; i++) {
    const text = raw[i];
    const price = text === '' ? NaN : Number(text);
    if (!Number.isFinite(price) || price <= 1) {
      const shown = text === '' ? 'missing' : quoted(text);
      row.warning(columns[i], `price ${shown} is not a decimal price > 1: ${what()} dropped`);
      return null;
    }
    prices[outcomes[i]] = price;
    booksum += 1 / price;
  }
  if (booksum < MIN_BOOKSUM - BOOKSUM_EPSILON || booksum > MAX_BOOKSUM) {
    const group = columns.join('/');
    row.warning(group, `impossible odds (booksum ${booksum.toFixed(3)}): ${what()} dropped`);
    return null;
  }
  return { market: spec.market, phase: spec.phase, bookmaker: spec.bookmaker, prices };
}

/**
 * Teams and full/half-time goals from the columns both football-data.co.uk and the history
 * CSV use (HomeTeam, AwayTeam, FTHG, FTAG and, when present, HTHG, HTAG).
 */
export function checkFootballDataColumns(
  cell: (name: string) => string,
  hasHalfTime: boolean,
  row: RowIssues,
): { teams: { home: string; away: string }; result: MatchResult } {
  const teams = checkTeams(
    {
      home: cell('HomeTeam'),
      away: cell('AwayTeam'),
      homeColumn: 'HomeTeam',
      awayColumn: 'AwayTeam',
    },
    row,
  );
  const result = checkResult(
    { home: cell('FTHG'), away: cell('FTAG'), homeColumn: 'FTHG', awayColumn: 'FTAG' },
    hasHalfTime
      ? { home: cell('HTHG'), away: cell('HTAG'), homeColumn: 'HTHG', awayColumn: 'HTAG' }
      : null,
    row,
  );
  checkResultLetter(cell('FTR'), 'FTR', result.homeGoals, result.awayGoals, row);
  if (hasHalfTime) {
    checkResultLetter(cell('HTR'), 'HTR', result.homeGoalsHalfTime, result.awayGoalsHalfTime, row);
  }
  return { teams, result };
}

/**
 * football-data.co.uk states each result twice: the goals and a letter (H, D, A). When both are
 * there they must agree; a row where they do not is a data error whichever is wrong.
 */
function checkResultLetter(
  letter: string,
  column: string,
  homeGoals: number | null,
  awayGoals: number | null,
  row: RowIssues,
): void {
  const given = letter.trim().toUpperCase();
  if (given === '' || homeGoals === null || awayGoals === null) return;
  if (!['H', 'D', 'A'].includes(given)) {
    row.error(column, `result ${quoted(letter)} is not H, D or A`);
    return;
  }
  const scored = homeGoals > awayGoals ? 'H' : homeGoals < awayGoals ? 'A' : 'D';
  if (given !== scored) {
    row.error(column, `result '${given}' contradicts the score ${homeGoals}-${awayGoals}`);
  }
}
