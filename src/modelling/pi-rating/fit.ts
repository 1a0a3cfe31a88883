// Fits pi-ratings by replaying the finished matches before asOf in kick-off order, then the
// ordered logit on the pre-match expected goal differences of those matches.
import { DEFAULT_ORDERED_LOGIT, fitOrderedLogit } from '../elo/ordered-logit';
import type { MatchInput } from '../types';
import {
  expectedGoalDifference,
  piUpdate,
  piTeamRating,
  type PiRatingHyperparameters,
  type PiRatingParameters,
  type PiTeamRating,
} from './model';

/** The ordered logit's rows: pre-match expected goal difference, outcome, whether burned in. */
interface ReplayRecord {
  differences: number[];
  outcomes: number[];
  weights: number[];
}

/**
 * The replay behind each fit made in this process, so next week's fit continues from it instead
 * of replaying every season again (the result is the same). Kept beside the parameters so they
 * stay small, plain JSON; a fit whose record is gone simply replays.
 */
const records = new WeakMap<PiRatingParameters, ReplayRecord>();

const byKickoff = (a: MatchInput, b: MatchInput) =>
  a.kickoff - b.kickoff || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const isPlayed = (m: MatchInput) => m.homeGoals !== undefined && m.awayGoals !== undefined;

/** `previous`'s replay when it is an earlier fit of the same matches and hyperparameters. */
function resumable(
  matches: readonly MatchInput[],
  asOf: number,
  hp: PiRatingHyperparameters,
  previous: PiRatingParameters | undefined,
): ReplayRecord | undefined {
  const record = previous && records.get(previous);
  if (!record || previous.asOf > asOf) return undefined;
  if (JSON.stringify(previous.hyperparameters) !== JSON.stringify(hp)) return undefined;
  let before = 0;
  for (const m of matches) if (m.kickoff < previous.asOf && isPlayed(m)) before++;
  return before === previous.matchCount ? record : undefined;
}

/** Replays the finished matches with kickoff < asOf; `previous` warm-starts (or resumes) it. */
export function fitPiRating(
  matches: readonly MatchInput[],
  asOf: number,
  hp: PiRatingHyperparameters,
  previous?: PiRatingParameters,
): PiRatingParameters {
  const earlier = resumable(matches, asOf, hp, previous);
  const from = earlier ? (previous as PiRatingParameters) : undefined;
  const since = from ? from.asOf : Number.NEGATIVE_INFINITY;
  const replay = matches
    .filter((m) => m.kickoff >= since && m.kickoff < asOf && isPlayed(m))
    .sort(byKickoff);
  const record: ReplayRecord = {
    differences: earlier ? earlier.differences.slice() : [],
    outcomes: earlier ? earlier.outcomes.slice() : [],
    weights: earlier ? earlier.weights.slice() : [],
  };
  const first = from?.foundingSeason ?? replay[0]?.season;
  const params: PiRatingParameters = {
    hyperparameters: { ...hp },
    asOf,
    matchCount: (from?.matchCount ?? 0) + replay.length,
    ...(first !== undefined ? { foundingSeason: first } : {}),
    teams: Object.fromEntries(Object.entries(from?.teams ?? {}).map(([k, t]) => [k, { ...t }])),
    outcomeModel: previous?.outcomeModel ?? DEFAULT_ORDERED_LOGIT,
  };
  const team = (name: string, season: string): PiTeamRating =>
    (params.teams[name] ??= { ...piTeamRating(params, name, season) });
  for (const m of replay) {
    const hg = m.homeGoals as number;
    const ag = m.awayGoals as number;
    const home = team(m.homeTeam, m.season);
    const away = team(m.awayTeam, m.season);
    record.differences.push(expectedGoalDifference(home, away, m.neutral));
    record.outcomes.push(hg > ag ? 2 : hg === ag ? 1 : 0);
    record.weights.push(Math.min(home.games, away.games) >= hp.logitBurnInMatches ? 1 : 0);
    piUpdate(hp, home, away, hg - ag, m.neutral);
  }
  params.outcomeModel = fitOrderedLogit(
    {
      differences: Float64Array.from(record.differences),
      outcomes: Uint8Array.from(record.outcomes),
      weights: Float64Array.from(record.weights),
    },
    params.outcomeModel,
  );
  records.set(params, record);
  return params;
}
