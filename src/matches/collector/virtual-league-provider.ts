import type { CollectorSourceConfig } from '../../config/collector-sources';
import type { MatchRecord, OddsQuote, ParseResult, RowIssue } from '../ingestion/match-record';
import type { VirtualFeedDocument, VirtualMatchView } from '../virtual-league/virtual-league';
import {
  checkRecord,
  FeedProvider,
  FeedRefused,
  parseJsonBody,
  refuseIfNothingUsable,
  textProblem,
} from './feed-provider';
import { feedSourceName } from './json-feed-provider';

const BOOKMAKER = 'virtual-bookmaker';
const STATUSES = ['scheduled', 'live', 'finished', 'postponed', 'cancelled'];

/** The built-in virtual league, read over HTTP like any external feed (every market it prices). */
export class VirtualLeagueProvider implements FeedProvider {
  readonly expects = 'JSON';

  urls(source: CollectorSourceConfig): string[] {
    return [source.url];
  }

  normalise(bodies: Buffer[], source: CollectorSourceConfig): ParseResult {
    const document = parseJsonBody(bodies[0]) as Partial<VirtualFeedDocument> | null;
    const league = document?.league;
    if (!league || typeof league.code !== 'string' || !Array.isArray(document.matches)) {
      throw new FeedRefused('not a virtual league feed (no league and matches)');
    }
    // Stored as the competition of every match: one the database refuses fails the poll.
    const fields: Array<[string, unknown]> = [
      ['code', league.code],
      ['name', league.name],
      ...(league.country == null ? [] : [['country', league.country] as [string, unknown]]),
    ];
    for (const [field, value] of fields) {
      const problem = textProblem(value);
      if (problem) throw new FeedRefused(`the league's ${field} is ${problem}`);
    }
    const competition = { code: league.code, name: league.name, country: league.country ?? null };
    const records: MatchRecord[] = [];
    const issues: RowIssue[] = [];
    document.matches.forEach((match, index) => {
      const line = index + 1;
      const problem = shapeProblem(match);
      if (problem) {
        issues.push({ line, column: null, reason: problem, severity: 'error' });
        return;
      }
      const played = match.status === 'live' || match.status === 'finished';
      const record: MatchRecord = {
        line,
        source: feedSourceName(source),
        sourceKey: match.id,
        competition,
        season: typeof match.season === 'number' ? String(match.season) : match.season,
        kickoff: new Date(match.kickoff),
        homeTeam: match.home,
        awayTeam: match.away,
        neutral: false,
        status: match.status,
        homeGoals: played ? match.score!.home : null,
        awayGoals: played ? match.score!.away : null,
        homeGoalsHalfTime: played ? (match.score!.halfTimeHome ?? null) : null,
        awayGoalsHalfTime: played ? (match.score!.halfTimeAway ?? null) : null,
        odds: [],
        quotes: match.status === 'scheduled' && match.odds ? quotesOf(match.odds) : [],
      };
      if (checkRecord(record, issues)) records.push(record);
    });
    return refuseIfNothingUsable({
      format: 'virtual-league',
      records,
      issues,
      rowsRead: document.matches.length,
    });
  }
}

function quotesOf(odds: NonNullable<VirtualMatchView['odds']>): OddsQuote[] {
  return (['1x2', 'ou25', 'btts'] as const)
    .filter((market) => odds[market])
    .map((market) => ({ market, bookmaker: BOOKMAKER, prices: { ...odds[market] } }));
}

function shapeProblem(match: VirtualMatchView): string | undefined {
  if (typeof match !== 'object' || match === null) return 'not an object';
  if (
    typeof match.id !== 'string' ||
    typeof match.home !== 'string' ||
    typeof match.away !== 'string'
  ) {
    return 'id, home and away must be text';
  }
  if (!STATUSES.includes(match.status)) return `unknown status "${String(match.status)}"`;
  // ISO text only: Date.parse also reads bare numbers ("1" is a time in 2001, local).
  if (typeof match.kickoff !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(match.kickoff)) {
    return 'kickoff is not an ISO time';
  }
  if (Number.isNaN(Date.parse(match.kickoff))) return 'kickoff is not a time';
  const played = match.status === 'live' || match.status === 'finished';
  if (played && !(Number.isInteger(match.score?.home) && Number.isInteger(match.score?.away))) {
    return `a ${match.status} match needs a score`;
  }
  return undefined;
}
