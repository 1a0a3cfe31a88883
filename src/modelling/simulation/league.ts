// A generated league with known Dixon-Coles truth, for parameter-recovery tests and demo data.
// Everything (team names, ratings, fixtures, goals, prices) is made up and labelled "Generated".
import type { MatchInput } from '../types';
import { dixonColesMatrixFromRates } from '../dixon-coles/model';
import type { DixonColesParameters } from '../dixon-coles/model';
import { bothTeamsToScore, matchResult, overUnder } from '../markets/markets';
import type { ScoreMatrix } from '../markets/score-matrix';
import { createRng } from './rng';
import type { Rng } from './rng';
import { doubleRoundRobin } from './schedule';

export interface SimulatedLeagueOptions {
  seed: number;
  /** Even number of teams; default 20. */
  teams?: number;
  /** Default 3. */
  seasons?: number;
  /** Calendar year in which the first season starts (August); default 2021. */
  firstSeasonYear?: number;
  /** Must contain "Generated"; default "Generated Premier Division". */
  competition?: string;
  /** True log-scale parameters; defaults are typical of a top European league. */
  intercept?: number;
  homeAdvantage?: number;
  rho?: number;
  attackSd?: number;
  defenceSd?: number;
  /** Bookmaker margin (booksum - 1) of opening and closing prices; defaults 0.06 and 0.04. */
  openingMargin?: number;
  closingMargin?: number;
  /** Log-scale noise of the bookmaker's expected goals; closing is closer to the truth. */
  openingNoise?: number;
  closingNoise?: number;
}

export interface TwoWayPrices<A extends string, B extends string> {
  opening: Record<A | B, number>;
  closing: Record<A | B, number>;
}

export interface SimulatedMatch extends MatchInput {
  homeGoals: number;
  awayGoals: number;
  odds: {
    opening: { home: number; draw: number; away: number };
    closing: { home: number; draw: number; away: number };
  };
  overUnder25: TwoWayPrices<'over', 'under'>;
  bothTeamsToScore: TwoWayPrices<'yes', 'no'>;
  /** The true 1X2 probabilities the goals were drawn from. */
  trueProbabilities: { home: number; draw: number; away: number };
}

export interface SimulatedLeague {
  competition: string;
  seed: number;
  /** The true parameters, usable directly with the Dixon-Coles predictor. */
  truth: DixonColesParameters;
  matches: SimulatedMatch[];
}

const TEAM_NAMES = [
  'Northbridge Rovers',
  'Ashford Vale',
  'Kingsmere United',
  'Redcastle Athletic',
  'Harrowgate Town',
  'Westhaven City',
  'Elmstead Wanderers',
  'Brackenfield Albion',
  'Stonebury Rangers',
  'Fairport County',
  'Millbrook Harriers',
  'Oakenshaw Forest',
  'Greywater Borough',
  'Lynwood Celtic',
  'Thornbury Park',
  'Highcliff Dynamo',
  'Marlow Heath',
  'Copperfield Sporting',
  'Ravensholme FC',
  'Silverdale Villa',
  'Eastmoor Orient',
  'Blackwater Corinthians',
  'Pennine Valley',
  'Saltmarsh Mariners',
];

/** Kick-off slots (day offset from the round's Saturday, UTC hour, minute) and their shares. */
const KICKOFF_SLOTS: ReadonlyArray<[number, number, number]> = [
  [0, 11, 30],
  [0, 14, 0],
  [0, 14, 0],
  [0, 14, 0],
  [0, 14, 0],
  [0, 16, 30],
  [1, 13, 0],
  [1, 15, 30],
  [1, 15, 30],
  [1, 18, 0],
];

const MS_PER_DAY = 86_400_000;

function teamNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const base = TEAM_NAMES[i % TEAM_NAMES.length];
    return i < TEAM_NAMES.length ? base : `${base} ${Math.floor(i / TEAM_NAMES.length) + 1}`;
  });
}

/** Centred normal draws, so the truth satisfies the same zero-mean convention the ridge fit finds. */
function centredNormals(rng: Rng, count: number, sd: number): number[] {
  const values = Array.from({ length: count }, () => sd * rng.normal());
  const mean = values.reduce((s, v) => s + v, 0) / count;
  return values.map((v) => v - mean);
}

/** Second Saturday of August of the given year, 00:00 UTC. */
function seasonStart(year: number): number {
  const firstAugust = Date.UTC(year, 7, 1);
  const dayOfWeek = new Date(firstAugust).getUTCDay(); // 6 = Saturday
  return firstAugust + (((6 - dayOfWeek + 7) % 7) + 7) * MS_PER_DAY;
}

/** Decimal price with a multiplicative margin, rounded to 2 decimals as bookmakers quote. */
function price(probability: number, margin: number): number {
  return Math.max(1.01, Math.round(100 / (probability * (1 + margin))) / 100);
}

function sampleScore(matrix: ScoreMatrix, rng: Rng): [number, number] {
  const u = rng.next();
  let cumulative = 0;
  for (let h = 0; h <= matrix.maxGoals; h++) {
    for (let a = 0; a <= matrix.maxGoals; a++) {
      cumulative += matrix.p[h][a];
      if (u < cumulative) return [h, a];
    }
  }
  return [matrix.maxGoals, matrix.maxGoals]; // only reachable through rounding
}

function bookPrices(matrix: ScoreMatrix, margin: number) {
  const r = matchResult(matrix);
  const ou = overUnder(matrix, 2.5);
  const btts = bothTeamsToScore(matrix);
  return {
    result: {
      home: price(r.home, margin),
      draw: price(r.draw, margin),
      away: price(r.away, margin),
    },
    overUnder: { over: price(ou.over, margin), under: price(ou.under, margin) },
    btts: { yes: price(btts.yes, margin), no: price(btts.no, margin) },
  };
}

export function simulateLeague(options: SimulatedLeagueOptions): SimulatedLeague {
  const teamCount = options.teams ?? 20;
  if (!Number.isInteger(teamCount) || teamCount < 2 || teamCount % 2 !== 0) {
    throw new RangeError(`teams must be an even integer >= 2, got ${teamCount}`);
  }
  const competition = options.competition ?? 'Generated Premier Division';
  if (!competition.includes('Generated')) {
    throw new RangeError('a generated competition must say so: its name must contain "Generated"');
  }
  const seasons = options.seasons ?? 3;
  const firstYear = options.firstSeasonYear ?? 2021;
  const openingMargin = options.openingMargin ?? 0.06;
  const closingMargin = options.closingMargin ?? 0.04;
  const openingNoise = options.openingNoise ?? 0.12;
  const closingNoise = options.closingNoise ?? 0.05;
  const rng = createRng(options.seed);

  const teams = teamNames(teamCount);
  const truth: DixonColesParameters = {
    model: 'dixon-coles',
    teams,
    attack: centredNormals(rng, teamCount, options.attackSd ?? 0.25),
    defence: centredNormals(rng, teamCount, options.defenceSd ?? 0.25),
    intercept: options.intercept ?? 0.15,
    homeAdvantage: options.homeAdvantage ?? 0.25,
    rho: options.rho ?? -0.08,
    asOf: 0,
    hyperparameters: { xi: 0, ridge: 0 },
    matchesUsed: 0,
  };

  const matches: SimulatedMatch[] = [];
  for (let s = 0; s < seasons; s++) {
    const year = firstYear + s;
    const season = `${year}-${year + 1}`;
    const start = seasonStart(year);
    const rounds = doubleRoundRobin(rng.shuffle([...Array(teamCount).keys()]));
    rounds.forEach((round, r) => {
      const saturday = start + 7 * r * MS_PER_DAY;
      round.forEach(([h, a], slotIndex) => {
        const [day, hour, minute] = KICKOFF_SLOTS[slotIndex % KICKOFF_SLOTS.length];
        const kickoff = saturday + day * MS_PER_DAY + (hour * 60 + minute) * 60_000;
        const homeRate = Math.exp(
          truth.intercept + truth.homeAdvantage + truth.attack[h] - truth.defence[a],
        );
        const awayRate = Math.exp(truth.intercept + truth.attack[a] - truth.defence[h]);
        const trueMatrix = dixonColesMatrixFromRates(homeRate, awayRate, truth.rho);
        const [homeGoals, awayGoals] = sampleScore(trueMatrix, rng);
        const bookieMatrix = (noise: number) =>
          dixonColesMatrixFromRates(
            homeRate * Math.exp(noise * rng.normal()),
            awayRate * Math.exp(noise * rng.normal()),
            truth.rho,
          );
        const opening = bookPrices(bookieMatrix(openingNoise), openingMargin);
        const closing = bookPrices(bookieMatrix(closingNoise), closingMargin);
        matches.push({
          id: `generated-${options.seed}-${season}-${r + 1}-${h}-${a}`,
          kickoff,
          homeTeam: teams[h],
          awayTeam: teams[a],
          competition,
          season,
          neutral: false,
          homeGoals,
          awayGoals,
          odds: { opening: opening.result, closing: closing.result },
          overUnder25: { opening: opening.overUnder, closing: closing.overUnder },
          bothTeamsToScore: { opening: opening.btts, closing: closing.btts },
          trueProbabilities: matchResult(trueMatrix),
        });
      });
    });
  }
  matches.sort((x, y) => x.kickoff - y.kickoff || x.id.localeCompare(y.id));
  truth.asOf = matches.length > 0 ? matches[matches.length - 1].kickoff + 1 : 0;
  truth.matchesUsed = matches.length;
  return { competition, seed: options.seed, truth, matches };
}
