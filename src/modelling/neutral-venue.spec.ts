import { toFixture } from './backtest/backtester';
import type { Fixture, HistoricalPrediction } from './backtest/types';
import { fitDixonColes } from './dixon-coles/fit';
import { dixonColesScoreMatrix, expectedGoals } from './dixon-coles/model';
import { fitElo } from './elo/fit';
import { EloPredictor } from './elo/predictor';
import {
  DEFAULT_MIN_TRAINING_ROWS,
  ensembleModel,
  type EnsembleSpec,
} from './ensemble/ensemble-model';
import { fitMarketRating } from './market-rating/fit';
import { predictMarketRating } from './market-rating/model';
import { matchResult } from './markets/markets';
import type { ScoreMatrix } from './markets/score-matrix';
import { outcomeOf } from './metrics/scores';
import { symmetricAtNeutralVenue } from './neutral-venue';
import { fitPiRating } from './pi-rating/fit';
import { predictPiRating } from './pi-rating/model';
import { fitPoissonFilter } from './poisson-filter/fit';
import { predictPoissonFilter } from './poisson-filter/model';
import { resolveHyperparameters } from './serving/hyperparameters';
import { forecastFixture } from './serving/served-model';
import { trainServedModel } from './serving/trainer';
import { simulateLeague } from './simulation/league';
import {
  TUNED_DIXON_COLES,
  TUNED_ELO,
  TUNED_MARKET_RATING,
  TUNED_PI_RATING,
  TUNED_POISSON_FILTER,
} from './tuning/defaults';
import type { OutcomeProbabilities } from './types';

// At a neutral venue the order in which the sides are listed carries no information, so every
// model's forecast of B-A must be its forecast of A-B mirrored.

const DAY = 86_400_000;
const TOLERANCE = 1e-12;
const league = simulateLeague({ seed: 23, seasons: 3 });
// The over/under prices where the service's loader puts them, for the goal-reading ensemble.
const matches = league.matches.map((m) => ({ ...m, odds: { ...m.odds, ou25: m.overUnder25 } }));
const last = matches[matches.length - 1];
const asOf = last.kickoff + 1;
const competition = league.competition;

// A strong and a weak side (true strengths), so a home-listed bias cannot hide in a coin toss.
const strength = league.truth.teams.map((t, i) => ({
  team: t,
  s: league.truth.attack[i] + league.truth.defence[i],
}));
strength.sort((x, y) => y.s - x.s);
const [A, B] = [strength[1].team, strength[strength.length - 2].team];

const prices = {
  opening: { home: 1.8, draw: 3.6, away: 4.6 },
  closing: { home: 1.75, draw: 3.7, away: 4.9 },
  ou25: { opening: { over: 1.85, under: 2.0 }, closing: { over: 1.8, under: 2.05 } },
};

/** A neutral fixture and the same fixture with its sides (and 1X2 prices) exchanged. */
function pair(season: string, kickoff: number): [Fixture, Fixture] {
  const base = { kickoff, competition, season, neutral: true };
  const forward = toFixture({ id: 'ab', homeTeam: A, awayTeam: B, ...base, odds: prices });
  const backward = toFixture({
    id: 'ba',
    homeTeam: B,
    awayTeam: A,
    ...base,
    odds: {
      ...prices,
      opening: { home: 4.6, draw: 3.6, away: 1.8 },
      closing: { home: 4.9, draw: 3.7, away: 1.75 },
    },
  });
  return [forward, backward];
}

// The next fixture of the season being played, and the first of the next one (new-season
// regression of ratings, earliest season progress for the ensembles).
const fixtures: Array<[string, [Fixture, Fixture]]> = [
  ['this season', pair(last.season, asOf + DAY)],
  ['next season', pair('next', asOf + 60 * DAY)],
];

/** Largest gap between p and q mirrored; 0 when predict(B,A) is predict(A,B) seen from B. */
function mirrorGap(p: OutcomeProbabilities, q: OutcomeProbabilities): number {
  return Math.max(Math.abs(p.home - q.away), Math.abs(p.draw - q.draw), Math.abs(p.away - q.home));
}

/** Largest gap between a score matrix and the transpose of another. */
function transposeGap(m: ScoreMatrix, n: ScoreMatrix): number {
  let gap = 0;
  for (let h = 0; h <= m.maxGoals; h++) {
    for (let a = 0; a <= m.maxGoals; a++) gap = Math.max(gap, Math.abs(m.p[h][a] - n.p[a][h]));
  }
  return gap;
}

const defined = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};

describe('symmetricAtNeutralVenue', () => {
  it('leaves a home fixture alone: predicts once and returns that prediction', () => {
    const [forward] = fixtures[0][1];
    const home = { ...forward, neutral: false };
    const p = { home: 0.5, draw: 0.3, away: 0.2 };
    const calls: boolean[] = [];
    const result = symmetricAtNeutralVenue(home, (_f, swapped) => (calls.push(swapped), p));
    expect(result).toBe(p);
    expect(calls).toEqual([false]);
  });
});

describe.each(fixtures)('a neutral fixture (%s): predict(A,B) mirrors predict(B,A)', (_, pair) => {
  const [ab, ba] = pair;

  it('Elo', () => {
    const predictor = new EloPredictor(fitElo(matches, asOf, TUNED_ELO));
    expect(mirrorGap(predictor.predict(ab), predictor.predict(ba))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('Dixon-Coles: 1X2, expected goals and the score matrix', () => {
    const params = fitDixonColes(matches, asOf, TUNED_DIXON_COLES);
    const [m, n] = [dixonColesScoreMatrix(params, ab), dixonColesScoreMatrix(params, ba)];
    expect(mirrorGap(matchResult(m), matchResult(n))).toBeLessThanOrEqual(TOLERANCE);
    expect(transposeGap(m, n)).toBeLessThanOrEqual(TOLERANCE);
    const [x, y] = [expectedGoals(params, ab), expectedGoals(params, ba)];
    expect([x.home, x.away]).toEqual([y.away, y.home]);
  });

  it('Poisson filter: 1X2, expected goals, over 2.5 and both teams to score', () => {
    const params = fitPoissonFilter(matches, asOf, TUNED_POISSON_FILTER);
    const [p, q] = [predictPoissonFilter(params, ab), predictPoissonFilter(params, ba)];
    expect(mirrorGap(p.probabilities, q.probabilities)).toBeLessThanOrEqual(TOLERANCE);
    expect([p.expectedGoals.home, p.expectedGoals.away]).toEqual([
      q.expectedGoals.away,
      q.expectedGoals.home,
    ]);
    expect(Math.abs(p.over25 - q.over25)).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(p.btts - q.btts)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('pi-rating', () => {
    const params = fitPiRating(matches, asOf, TUNED_PI_RATING);
    expect(mirrorGap(predictPiRating(params, ab), predictPiRating(params, ba))).toBeLessThanOrEqual(
      TOLERANCE,
    );
  });

  it('market rating', () => {
    const params = fitMarketRating(matches, asOf, TUNED_MARKET_RATING);
    expect(
      mirrorGap(predictMarketRating(params, ab), predictMarketRating(params, ba)),
    ).toBeLessThanOrEqual(TOLERANCE);
  });

  // The stack over Elo and Dixon-Coles, trained on their predictions of the league's matches,
  // with outcome intercepts, per-competition intercepts and (in some) the fixture's market line.
  const elo = new EloPredictor(fitElo(matches, asOf, TUNED_ELO));
  const dc = fitDixonColes(matches, asOf, TUNED_DIXON_COLES);
  const inputsOf = (f: Fixture) => ({
    elo: { probabilities: elo.predict(f) },
    'dixon-coles': { probabilities: matchResult(dixonColesScoreMatrix(dc, f)) },
  });
  const history: HistoricalPrediction[] = matches.map((m) => ({
    matchId: m.id,
    kickoff: m.kickoff,
    competition: m.competition,
    season: m.season,
    outcome: outcomeOf(m.homeGoals, m.awayGoals),
    fixture: toFixture(m),
    predictions: inputsOf(m),
  }));
  const specs: Array<[string, Omit<EnsembleSpec, 'name' | 'inputs' | 'l2'>]> = [
    ['pooled, competition intercepts', { structure: 'pooled', competitionIntercepts: true }],
    ['full, competition intercepts', { structure: 'full', competitionIntercepts: true }],
    ['pooled, closing line', { structure: 'pooled', market: 'closing' }],
    [
      'pooled, opening line and over/under, season progress',
      { structure: 'pooled', market: 'opening', goals: 'both', seasonProgress: true },
    ],
  ];
  it.each(specs)('ensemble: %s', (_name, options) => {
    const model = ensembleModel({
      name: 'e',
      inputs: ['elo', 'dixon-coles'],
      l2: 0.001,
      ...options,
    });
    const params = model.fit(matches, { asOf, fixtures: [ab, ba], history }, undefined);
    expect(params.trainingRows).toBe(matches.length);
    const p = defined(model.predict(params, ab, inputsOf(ab))).probabilities;
    const q = defined(model.predict(params, ba, inputsOf(ba))).probabilities;
    expect(mirrorGap(p, q)).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe('served models at a neutral venue: result mirrored, score matrix transposed', () => {
  const hyperparameters = resolveHyperparameters();
  const served = [
    ['elo', 'elo', hyperparameters],
    ['dixon-coles', 'dixon-coles', hyperparameters],
    // the opening line, its over/under price, the market rating and the Poisson filter
    ['ensemble reading odds', 'ensemble', hyperparameters],
    // pi-ratings and Elo / Poisson-filter variants at other time scales
    [
      'statistical ensemble',
      'ensemble',
      resolveHyperparameters({ ensemble: { market: 'none', timescales: 'multi' } }),
    ],
  ] as const;
  it.each(served)('%s', (_name, type, hp) => {
    const trained = trainServedModel(matches, {
      type,
      hyperparameters: hp,
      asOf,
      // enough walk-forward history that the served stacks are fitted, not their prior
      evaluationWeeks: 16,
    });
    if (type === 'ensemble') {
      expect(trained.parameters.ensemble?.trainingRows).toBeGreaterThan(DEFAULT_MIN_TRAINING_ROWS);
    }
    for (const [, [ab, ba]] of fixtures) {
      const x = forecastFixture(trained.parameters, ab);
      const y = forecastFixture(trained.parameters, ba);
      expect(mirrorGap(x.result, y.result)).toBeLessThanOrEqual(TOLERANCE);
      expect(transposeGap(x.matrix, y.matrix)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
