// Season progress of a fixture, from the schedule alone (kick-offs, no results): how many matches
// each side has played in the fixture's season before it. Early in a season the current season's
// evidence is thin, so a stack should weigh its fast and slow sources differently then than later;
// the stacks interact every source with `earliness` (1 before a side's first match, 0 from its
// EARLY_MATCHES-th on). Chosen on the validation window (see TUNED_SEASON_PROGRESS).

const DAY_MS = 86_400_000;
/** Matches after which a side's season counts as under way (earliness 0). */
export const EARLY_MATCHES = 10;
/** Kick-offs kept for prediction: every season still running within this many days of asOf. */
const SCHEDULE_DAYS = 450;

/** Sorted kick-offs per competition, season and team. */
export type SeasonSchedule = Record<string, Record<string, Record<string, number[]>>>;

export interface ScheduledMatch {
  readonly id: string;
  readonly kickoff: number;
  readonly competition: string;
  readonly season: string;
  readonly homeTeam: string;
  readonly awayTeam: string;
}

/** The kick-offs of `matches` (each id once), grouped and sorted. */
export function seasonSchedule(matches: Iterable<ScheduledMatch>): SeasonSchedule {
  const schedule: SeasonSchedule = {};
  const seen = new Set<string>();
  for (const m of matches) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    const seasons = (schedule[m.competition] ??= {});
    const teams = (seasons[m.season] ??= {});
    (teams[m.homeTeam] ??= []).push(m.kickoff);
    (teams[m.awayTeam] ??= []).push(m.kickoff);
  }
  for (const seasons of Object.values(schedule))
    for (const teams of Object.values(seasons))
      for (const kickoffs of Object.values(teams)) kickoffs.sort((a, b) => a - b);
  return schedule;
}

/** Matches (sorted by kick-off) from SCHEDULE_DAYS before `time` on. */
function since(sortedMatches: readonly ScheduledMatch[], time: number): ScheduledMatch[] {
  const from = time - SCHEDULE_DAYS * DAY_MS;
  let lo = 0;
  let hi = sortedMatches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedMatches[mid].kickoff < from) lo = mid + 1;
    else hi = mid;
  }
  return sortedMatches.slice(lo);
}

/**
 * Enough of the schedule for fixtures from `time` on (whose seasons started within SCHEDULE_DAYS
 * before it): cheaper than the whole history when only recent rows need counting.
 */
export function scheduleSince(
  sortedMatches: readonly ScheduledMatch[],
  time: number,
): SeasonSchedule {
  return seasonSchedule(since(sortedMatches, time));
}

/**
 * The schedule a fit stores for its predictions: the matches of the last SCHEDULE_DAYS before
 * asOf (sorted by kick-off) and the scheduled fixtures from asOf on.
 */
export function recentSchedule(
  sortedMatches: readonly ScheduledMatch[],
  fixtures: readonly ScheduledMatch[],
  asOf: number,
): SeasonSchedule {
  const recent = since(sortedMatches, asOf).filter((m) => m.kickoff < asOf);
  return seasonSchedule([...recent, ...fixtures.filter((f) => f.kickoff >= asOf)]);
}

/** Kick-offs before `time` in a sorted list. */
function countBefore(kickoffs: readonly number[] | undefined, time: number): number {
  if (!kickoffs) return 0;
  let lo = 0;
  let hi = kickoffs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kickoffs[mid] < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 1 - (matches the less advanced side has played this season) / EARLY_MATCHES, floored at 0. */
export function earliness(schedule: SeasonSchedule, fixture: Omit<ScheduledMatch, 'id'>): number {
  const teams = schedule[fixture.competition]?.[fixture.season];
  const played = Math.min(
    countBefore(teams?.[fixture.homeTeam], fixture.kickoff),
    countBefore(teams?.[fixture.awayTeam], fixture.kickoff),
  );
  return Math.max(0, 1 - played / EARLY_MATCHES);
}
