import type { CollectorSourceConfig } from '../../config/collector-sources';
import type { MatchRecord, ParseResult, RowIssue } from '../ingestion/match-record';
import { MAX_GOALS } from '../ingestion/row-checks';
import { unstorableText } from '../ingestion/storable';
import { FIRST_YEAR, LAST_YEAR } from '../ingestion/time';

/** The source answered, but not with data this provider can read: the poll fails, nothing is stored. */
export class FeedRefused extends Error {}

/**
 * One kind of live feed: which URLs a poll fetches, and how their bodies become normalised
 * match records (fixtures, live states, results, and current odds as `quotes`). Fetching,
 * retries, the breaker and storage are the collector's; a provider only reads.
 */
export interface FeedProvider {
  /** What the fetched bodies must be ("CSV", "JSON"), for the refusal of an HTML page. */
  readonly expects: string;
  urls(source: CollectorSourceConfig): string[];
  /** Throws FeedRefused when a body is not this feed at all; bad rows become issues. */
  normalise(bodies: Buffer[], source: CollectorSourceConfig): ParseResult;
}

/** A feed that answered rows but not one usable record is as broken as one that answered garbage. */
export function refuseIfNothingUsable(result: ParseResult): ParseResult {
  if (result.rowsRead > 0 && result.records.length === 0) {
    const first = result.issues.find((issue) => issue.severity === 'error');
    throw new FeedRefused(
      `none of the ${result.rowsRead} rows could be read${first ? ` (row ${first.line}: ${first.reason})` : ''}`,
    );
  }
  return result;
}

/** Reads a JSON body (a UTF-8 byte order mark ignored, as RFC 8259 allows), or refuses it. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw new FeedRefused(`the body is not JSON (${(error as Error).message})`);
  }
}

/** Why a feed's text cannot be stored as a name or key, or undefined when it can. */
export function textProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'missing';
  return unstorableText(value);
}

/** A real time in the years the file formats accept too. */
export function isKickoff(date: Date): boolean {
  const year = date.getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

/**
 * What the file formats' row checks (or PostgreSQL) would refuse in a feed's record, with the same
 * limits: text that is empty, too long or holds a NUL, one team on both sides, a kick-off out of
 * range, goals beyond MAX_GOALS, half-time goals above full-time ones. Each becomes an error issue
 * of the row, so one bad row is rejected instead of failing the whole poll. True when the record
 * may be stored.
 */
export function checkRecord(record: MatchRecord, issues: RowIssue[]): boolean {
  const before = issues.length;
  const error = (column: string, reason: string) =>
    issues.push({ line: record.line, column, reason, severity: 'error' });
  const texts: Array<[string, unknown]> = [
    ['id', record.sourceKey],
    ['home', record.homeTeam],
    ['away', record.awayTeam],
    ['season', record.season],
  ];
  for (const [column, value] of texts) {
    const problem = textProblem(value);
    if (problem) error(column, problem);
  }
  if (
    typeof record.homeTeam === 'string' &&
    typeof record.awayTeam === 'string' &&
    record.homeTeam.trim() !== '' &&
    record.homeTeam.trim().toLowerCase() === record.awayTeam.trim().toLowerCase()
  ) {
    error('away', 'same team on both sides');
  }
  if (!(record.kickoff instanceof Date) || !isKickoff(record.kickoff)) {
    error('kickoff', `not a time between ${FIRST_YEAR} and ${LAST_YEAR}`);
  }
  const goals = ['homeGoals', 'awayGoals', 'homeGoalsHalfTime', 'awayGoalsHalfTime'] as const;
  for (const field of goals) {
    const value: unknown = record[field];
    if (value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_GOALS) {
      error(field, `impossible goals "${String(value)}"`);
    }
  }
  // As the file formats' row checks: a half-time score above the full-time one is a data error.
  for (const side of ['home', 'away'] as const) {
    const [ht, ft] = [record[`${side}GoalsHalfTime`], record[`${side}Goals`]];
    if (ht !== null && ft !== null && ht > ft) {
      error(`${side}GoalsHalfTime`, `half-time goals ${ht} exceed full-time goals ${ft}`);
    }
  }
  return issues.length === before;
}
