// Maximum (penalised, time-weighted) likelihood fit of Dixon-Coles by Newton's method (analytic
// gradient and Hessian; damped where the rho correction makes the Hessian indefinite).
import type { MatchInput } from '../types';
import { minimiseNewton } from '../optimise/newton';
import {
  dixonColesObjective,
  prepareMatches,
  rawFromRho,
  rhoBounds,
  rhoFromRaw,
} from './likelihood';
import type { PreparedMatches } from './likelihood';
import { DEFAULT_RHO_MAX, DEFAULT_RHO_MIN } from './model';
import type { DixonColesHyperparameters, DixonColesParameters } from './model';

export interface DixonColesFitOptions {
  /** Newton steps at most (default 100). */
  maxIterations?: number;
}

/** Typical top-flight home advantage (log scale), a neutral cold start. */
const COLD_HOME_ADVANTAGE = 0.25;

/**
 * Fits on the matches with a result and kickoff < asOf. A warm start (earlier parameters,
 * usually of the same league) speeds convergence: known teams keep their ratings, new teams
 * start at 0. Throws a RangeError when no match is usable.
 */
export function fitDixonColes(
  matches: readonly MatchInput[],
  asOf: number,
  hp: DixonColesHyperparameters,
  warmStart?: DixonColesParameters,
  options: DixonColesFitOptions = {},
): DixonColesParameters {
  if (!(hp.xi >= 0) || !(hp.ridge >= 0)) {
    throw new RangeError(`xi and ridge must be non-negative (xi=${hp.xi}, ridge=${hp.ridge})`);
  }
  const bounds = rhoBounds(hp.rhoMin ?? DEFAULT_RHO_MIN, hp.rhoMax ?? DEFAULT_RHO_MAX);
  const data = prepareMatches(matches, asOf, hp.xi);
  if (data.count === 0) {
    throw new RangeError(`no played match before ${new Date(asOf).toISOString()} to fit on`);
  }
  const n = data.teams.length;
  const x0 = initialPoint(data, warmStart);
  x0[2 * n + 2] = rawFromRho(warmStart?.rho ?? 0, bounds);

  const result = minimiseNewton(dixonColesObjective(data, hp.ridge, bounds), x0, {
    maxSteps: options.maxIterations ?? 100,
  });
  const x = result.x;
  const attack = Array.from(x.subarray(0, n));
  const defence = Array.from(x.subarray(n, 2 * n));
  return {
    model: 'dixon-coles',
    teams: data.teams,
    attack,
    defence,
    intercept: x[2 * n],
    homeAdvantage: x[2 * n + 1],
    rho: rhoFromRaw(x[2 * n + 2], bounds),
    asOf,
    hyperparameters: { ...hp },
    matchesUsed: data.count,
    newTeam: newTeamRatings(data, attack, defence),
    iterations: result.iterations,
    converged: result.converged,
  };
}

function initialPoint(data: PreparedMatches, warm?: DixonColesParameters): Float64Array {
  const n = data.teams.length;
  const x = new Float64Array(2 * n + 3);
  if (warm) {
    const previous = new Map(warm.teams.map((t, i) => [t, i]));
    data.teams.forEach((team, i) => {
      const j = previous.get(team);
      if (j !== undefined) {
        x[i] = warm.attack[j];
        x[n + i] = warm.defence[j];
      }
    });
    x[2 * n] = warm.intercept;
    x[2 * n + 1] = warm.homeAdvantage;
    return x;
  }
  // Cold: everyone average, intercept from the mean goals per side.
  let goals = 0;
  for (let k = 0; k < data.count; k++) {
    goals += data.weight[k] * (data.homeGoals[k] + data.awayGoals[k]);
  }
  const meanGoals = goals / (2 * data.totalWeight);
  x[2 * n] = Math.log(Math.max(meanGoals, 0.1)) - COLD_HOME_ADVANTAGE / 2;
  x[2 * n + 1] = COLD_HOME_ADVANTAGE;
  return x;
}

/**
 * Prior for teams the model has never seen (in practice promoted sides): the mean rating of the
 * teams that appear in the latest season of the window but not in the one before. Promoted
 * teams are usually below average, so this beats the league-average default when it exists.
 */
function newTeamRatings(
  data: PreparedMatches,
  attack: number[],
  defence: number[],
): { attack: number; defence: number } {
  const lastKickoff = new Map<string, number>();
  for (const m of data.matches) {
    lastKickoff.set(m.season, Math.max(lastKickoff.get(m.season) ?? -Infinity, m.kickoff));
  }
  const seasons = [...lastKickoff.keys()].sort(
    (a, b) => (lastKickoff.get(a) as number) - (lastKickoff.get(b) as number),
  );
  if (seasons.length < 2) return { attack: 0, defence: 0 };
  const latest = seasons[seasons.length - 1];
  const previous = seasons[seasons.length - 2];
  const teamsIn = (season: string) => {
    const s = new Set<string>();
    for (const m of data.matches) {
      if (m.season === season) s.add(m.homeTeam).add(m.awayTeam);
    }
    return s;
  };
  const before = teamsIn(previous);
  const joined = [...teamsIn(latest)].filter((t) => !before.has(t));
  if (joined.length === 0) return { attack: 0, defence: 0 };
  let a = 0;
  let d = 0;
  for (const team of joined) {
    const i = data.teams.indexOf(team);
    a += attack[i];
    d += defence[i];
  }
  return { attack: a / joined.length, defence: d / joined.length };
}
