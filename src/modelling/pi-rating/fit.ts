// Fits pi-ratings by replaying the finished matches before asOf in kick-off order, then the
// ordered logit on the pre-match expected goal differences of those matches. Like Elo's fit, a
// weekly refit continues the previous week's replay when it can (the result is the same).
import { DEFAULT_ORDERED_LOGIT } from '../elo/ordered-logit';
import { OutcomeRecord, planReplay } from '../elo/outcome-replay';
import type { MatchInput } from '../types';
import {
  expectedGoalDifference,
  piUpdate,
  piTeamRating,
  type PiRatingHyperparameters,
  type PiRatingParameters,
  type PiTeamRating,
} from './model';

/** Replays the finished matches with kickoff < asOf; `previous` warm-starts (or resumes) it. */
export function fitPiRating(
  matches: readonly MatchInput[],
  asOf: number,
  hp: PiRatingHyperparameters,
  previous?: PiRatingParameters,
): PiRatingParameters {
  const { from, replay } = planReplay(matches, asOf, hp, previous);
  const start = from ? from.matchCount : 0;
  const record = OutcomeRecord.continuing(from, start + replay.length);
  const first = from?.foundingSeason ?? replay[0]?.season;
  const params: PiRatingParameters = {
    hyperparameters: { ...hp },
    asOf,
    matchCount: record.length,
    ...(first !== undefined ? { foundingSeason: first } : {}),
    teams: Object.fromEntries(Object.entries(from?.teams ?? {}).map(([k, t]) => [k, { ...t }])),
    outcomeModel: DEFAULT_ORDERED_LOGIT,
  };
  const team = (name: string, season: string): PiTeamRating =>
    (params.teams[name] ??= { ...piTeamRating(params, name, season) });
  for (let r = 0; r < replay.length; r++) {
    const m = replay[r];
    const home = team(m.homeTeam, m.season);
    const away = team(m.awayTeam, m.season);
    const burnedIn = Math.min(home.games, away.games) >= hp.logitBurnInMatches;
    record.set(start + r, expectedGoalDifference(home, away, m.neutral), m, burnedIn);
    piUpdate(hp, home, away, (m.homeGoals as number) - (m.awayGoals as number), m.neutral);
  }
  params.outcomeModel = record.fitOrderedLogit(
    asOf,
    0,
    previous?.outcomeModel ?? DEFAULT_ORDERED_LOGIT,
  );
  record.keepFor(params);
  return params;
}
