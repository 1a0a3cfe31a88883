// International results layout: date,home_team,away_team,home_score,away_score,tournament,city,
// country,neutral. No kick-off time (recorded as 00:00 UTC of the date), no odds; 'NA' scores
// are fixtures not yet played.

import { slugify } from '../competitions';
import { parseCsv } from '../csv';
import type { MatchRecord, ParseResult, RowIssue } from '../match-record';
import {
  checkResult,
  checkTeams,
  quoted,
  rejectCutShortRow,
  rejectNulCells,
  RowIssues,
} from '../row-checks';
import { CsvHeader } from '../table';
import { parseIsoDate, zonedToUtc } from '../time';

export const INTERNATIONAL_FORMAT = 'international';
export const INTERNATIONAL_SOURCE = 'international';

export const INTERNATIONAL_REQUIRED_COLUMNS = [
  'date',
  'home_team',
  'away_team',
  'home_score',
  'away_score',
  'tournament',
] as const;

/** International match: the venue is worth keeping (neutral grounds, host cities). */
export interface InternationalMatchRecord extends MatchRecord {
  venue: { city: string | null; country: string | null };
}

const NOT_PLAYED = ['NA', 'N/A', '-'];

export function parseInternational(text: string): ParseResult {
  const [headerRow, ...rows] = parseCsv(text);
  const header = new CsvHeader(headerRow?.fields ?? []);
  header.require('international results', INTERNATIONAL_REQUIRED_COLUMNS);

  const records: InternationalMatchRecord[] = [];
  const issues: RowIssue[] = [];
  for (const row of rows) {
    const checks = new RowIssues(row.line);
    rejectNulCells(row, header.names, checks);
    rejectCutShortRow(row, header, ['home_score', 'away_score'], checks);
    const cell = (name: string) => header.text(row, name);

    const dateText = cell('date');
    const date = parseIsoDate(dateText);
    if (!date) checks.error('date', `unparseable or impossible date ${quoted(dateText)}`);

    const teams = checkTeams(
      {
        home: cell('home_team'),
        away: cell('away_team'),
        homeColumn: 'home_team',
        awayColumn: 'away_team',
      },
      checks,
    );
    const result = checkResult(
      {
        home: cell('home_score'),
        away: cell('away_score'),
        homeColumn: 'home_score',
        awayColumn: 'away_score',
      },
      null,
      checks,
      NOT_PLAYED,
    );

    const tournament = cell('tournament');
    if (tournament === '') checks.error('tournament', 'missing tournament');
    const neutral = parseBoolean(cell('neutral'));
    if (neutral === null)
      checks.error('neutral', `neutral must be TRUE or FALSE, got ${quoted(cell('neutral'))}`);

    if (!checks.hasErrors && date && neutral !== null) {
      records.push({
        line: row.line,
        source: INTERNATIONAL_SOURCE,
        sourceKey: `${dateText}:${teams.home}:${teams.away}`,
        competition: {
          code: `international/${slugify(tournament)}`,
          name: tournament,
          country: null,
        },
        season: String(date.year),
        kickoff: zonedToUtc({ ...date, hour: 0, minute: 0 }, 'UTC'),
        homeTeam: teams.home,
        awayTeam: teams.away,
        neutral,
        ...result,
        odds: [],
        venue: { city: cell('city') || null, country: cell('country') || null },
      });
    }
    issues.push(...checks.issues);
  }
  return { format: INTERNATIONAL_FORMAT, records, issues, rowsRead: rows.length };
}

export const parse = parseInternational;

/** TRUE/FALSE as written by R and spreadsheets; an absent column means not neutral. */
function parseBoolean(text: string): boolean | null {
  const value = text.toLowerCase();
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no' || value === '') return false;
  return null;
}
