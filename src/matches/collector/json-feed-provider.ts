import type { CollectorSourceConfig, JsonFeedMapping } from '../../config/collector-sources';
import { validateBookSum } from '../../modelling/odds/margin';
import { clubSeasonOf } from '../ingestion/competitions';
import { MAX_GOALS } from '../ingestion/row-checks';
import type { MatchRecord, MatchStatus, ParseResult, RowIssue } from '../ingestion/match-record';
import {
  checkRecord,
  FeedProvider,
  FeedRefused,
  isKickoff,
  parseJsonBody,
  refuseIfNothingUsable,
} from './feed-provider';

const STATUSES: readonly MatchStatus[] = [
  'scheduled',
  'live',
  'finished',
  'postponed',
  'cancelled',
];

/** The value at a dotted path ("teams.home.name"; "" is the value itself). */
export function valueAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The record source of a collected feed: its configured id, apart from file formats' names. */
export function feedSourceName(source: CollectorSourceConfig): string {
  return `collector:${source.id}`;
}

/**
 * A generic JSON feed (like the original system's): where each field sits is given by the
 * source's `mapping` in COLLECTOR_SOURCES, every match belongs to the source's `competition`.
 */
export class JsonFeedProvider implements FeedProvider {
  readonly expects = 'JSON';

  urls(source: CollectorSourceConfig): string[] {
    return [source.url];
  }

  normalise(bodies: Buffer[], source: CollectorSourceConfig): ParseResult {
    const mapping = source.mapping!;
    const document = parseJsonBody(bodies[0]);
    const items = valueAt(document, mapping.matches);
    if (!Array.isArray(items)) {
      throw new FeedRefused(`no array of matches at "${mapping.matches || '(root)'}"`);
    }
    const records: MatchRecord[] = [];
    const issues: RowIssue[] = [];
    items.forEach((item, index) => {
      const record = readMatch(item, index + 1, mapping, source, issues);
      if (record) records.push(record);
    });
    return refuseIfNothingUsable({ format: 'json-feed', records, issues, rowsRead: items.length });
  }
}

function readMatch(
  item: unknown,
  line: number,
  mapping: JsonFeedMapping,
  source: CollectorSourceConfig,
  issues: RowIssue[],
): MatchRecord | undefined {
  const errorsBefore = issues.length;
  const error = (column: string, reason: string) =>
    issues.push({ line, column, reason, severity: 'error' });
  const text = (field: keyof JsonFeedMapping) => {
    const value = valueAt(item, mapping[field] as string);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    error(field, `missing at "${mapping[field] as string}"`);
    return '';
  };
  const id = text('id');
  const home = text('home');
  const away = text('away');
  const kickoff = readTime(valueAt(item, mapping.kickoff));
  if (!kickoff) error('kickoff', `not a time at "${mapping.kickoff}"`);
  const rawStatus = text('status');
  const status = (mapping.statusValues?.[rawStatus] ?? rawStatus) as MatchStatus;
  if (rawStatus !== '' && !STATUSES.includes(status))
    error('status', `unknown status "${rawStatus}"`);
  const goals = (field: 'homeGoals' | 'awayGoals' | 'homeGoalsHalfTime' | 'awayGoalsHalfTime') => {
    const path = mapping[field];
    const value = path ? valueAt(item, path) : undefined;
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' && value.trim() === '') return null;
    // A number, or digits as text: Number() would also read true, [2] or "0x1".
    const n =
      typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value))
        ? Number(value)
        : NaN;
    if (!Number.isInteger(n) || n < 0 || n > MAX_GOALS) {
      error(field, `impossible goals "${String(value)}"`);
      return null;
    }
    return n;
  };
  const homeGoals = goals('homeGoals');
  const awayGoals = goals('awayGoals');
  const played = status === 'live' || status === 'finished';
  if (played && (homeGoals === null || awayGoals === null)) {
    error('homeGoals', `a ${status} match needs both scores`);
  }
  if (issues.length > errorsBefore || !kickoff) return undefined;
  const seasonValue = mapping.season ? valueAt(item, mapping.season) : undefined;
  const record: MatchRecord = {
    line,
    source: feedSourceName(source),
    sourceKey: id,
    competition: source.competition!,
    season:
      typeof seasonValue === 'string' || typeof seasonValue === 'number'
        ? String(seasonValue)
        : clubSeasonOf(kickoff.toISOString().slice(0, 10), source.competition!.code),
    kickoff,
    homeTeam: home,
    awayTeam: away,
    neutral: false,
    status,
    homeGoals: played ? homeGoals : null,
    awayGoals: played ? awayGoals : null,
    homeGoalsHalfTime: played ? goals('homeGoalsHalfTime') : null,
    awayGoalsHalfTime: played ? goals('awayGoalsHalfTime') : null,
    odds: [],
    quotes: status === 'scheduled' ? readQuotes(item, line, mapping, issues) : [],
  };
  return checkRecord(record, issues) ? record : undefined;
}

function readQuotes(item: unknown, line: number, mapping: JsonFeedMapping, issues: RowIssue[]) {
  if (!mapping.odds) return [];
  const prices = {
    home: Number(valueAt(item, mapping.odds.home)),
    draw: Number(valueAt(item, mapping.odds.draw)),
    away: Number(valueAt(item, mapping.odds.away)),
  };
  if (Object.values(prices).every((p) => Number.isNaN(p))) return [];
  const check = validateBookSum(Object.values(prices));
  if (!check.ok) {
    issues.push({
      line,
      column: 'odds',
      reason: `odds dropped: ${check.reason}`,
      severity: 'warning',
    });
    return [];
  }
  return [{ market: '1x2' as const, bookmaker: mapping.odds.bookmaker ?? 'feed', prices }];
}

/** ISO text, or a Unix time in seconds or milliseconds. */
function readTime(value: unknown): Date | undefined {
  let time: number;
  if (typeof value === 'number') time = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) time = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(time)) return undefined;
  const date = new Date(time);
  return isKickoff(date) ? date : undefined;
}
