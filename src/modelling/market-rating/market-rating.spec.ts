import { pearsonCorrelation } from '../metrics/correlation';
import { simulateLeague } from '../simulation';
import type { MatchInput } from '../types';
import { matchInput } from '../match-input.spec-support';
import { fitMarketRating, marketSupremacy } from './fit';
import {
  DEFAULT_DRAW_CURVE,
  DEFAULT_MARKET_RATING_HYPERPARAMETERS,
  marketRatingSupremacy,
  predictMarketRating,
  probabilitiesFromSupremacy,
  type MarketRatingHyperparameters,
} from './model';

const DAY = 86_400_000;
const hp = DEFAULT_MARKET_RATING_HYPERPARAMETERS;

function priced(
  id: string,
  day: number,
  homeTeam: string,
  awayTeam: string,
  goals: [number, number],
  closing?: { home: number; draw: number; away: number },
  opening?: { home: number; draw: number; away: number },
): MatchInput {
  return {
    ...matchInput(id, day, homeTeam, awayTeam, goals),
    ...(closing || opening
      ? { odds: { ...(closing ? { closing } : {}), ...(opening ? { opening } : {}) } }
      : {}),
  };
}

describe('market supremacy and the probability curve', () => {
  it('reads ln(P(home) / P(away)) from prices, rejecting impossible ones', () => {
    // multiplicative margin removal keeps the ratio of inverse prices: ln(4 / 2) = ln 2
    const s = marketSupremacy({ home: 2, draw: 3.5, away: 4 });
    expect(s?.d).toBeCloseTo(Math.log(2), 12);
    // draw share: (1/3.5) / (1/2 + 1/3.5 + 1/4)
    expect(s?.draw).toBeCloseTo(1 / 3.5 / (0.5 + 1 / 3.5 + 0.25), 12);
    expect(marketSupremacy({ home: 0.9, draw: 3, away: 4 })).toBeUndefined();
    expect(marketSupremacy(undefined)).toBeUndefined();
  });

  it('gives non-negative probabilities summing to 1, split e^d : 1 outside the draw', () => {
    for (const d of [-6, -1.3, 0, 0.4, 2.5, 9]) {
      const p = probabilitiesFromSupremacy(d, DEFAULT_DRAW_CURVE);
      expect(p.home + p.draw + p.away).toBeCloseTo(1, 12);
      for (const v of [p.home, p.draw, p.away]) expect(v).toBeGreaterThanOrEqual(0);
      expect(Math.log(p.home / p.away)).toBeCloseTo(d, 9);
    }
    const level = probabilitiesFromSupremacy(0, [-1, 0, -0.1]);
    expect(level.draw).toBeCloseTo(1 / (1 + Math.E), 12);
    expect(level.home).toBeCloseTo(level.away, 12);
  });
});

describe('fitMarketRating', () => {
  it('applies the update rule by hand', () => {
    const rules: MarketRatingHyperparameters = {
      k: 0.5,
      homeK: 0.1,
      goalK: 0.05,
      driftK: 0.2,
      newTeamOffset: 0,
      initialHomeAdvantage: 0.3,
    };
    // closing d = ln(4 / 2) = ln 2; opening d = ln(3 / 2.5); predicted = 0 - 0 + 0.3
    const closing = { home: 2, draw: 3.5, away: 4 };
    const opening = { home: 2.5, draw: 3.4, away: 3 };
    const m = priced('1', 1, 'A', 'B', [2, 0], closing, opening);
    const params = fitMarketRating([m], 2 * DAY, rules);
    const d = Math.log(2);
    const error = d - 0.3;
    const kappa = 0.8; // prior only: (d * 2 + 0.8 * 10) / (d^2 + 10) is what the next match uses
    const step = 0.5 * error + 0.05 * (2 - kappa * d) + 0.2 * (d - Math.log(3 / 2.5));
    expect(params.teams.A.rating).toBeCloseTo(step, 12);
    expect(params.teams.B.rating).toBeCloseTo(-step, 12);
    expect(params.competitions.C.homeAdvantage).toBeCloseTo(0.3 + 0.1 * error, 12);
    expect(params.kappa).toBeCloseTo((d * 2 + 0.8 * 10) / (d * d + 10), 12);
    expect(params.matchCount).toBe(1);
    expect(params.pricedCount).toBe(1);
    // without prices only the goals move ratings, against the rating's own expectation (0.3)
    const unpriced = fitMarketRating([priced('2', 1, 'A', 'B', [2, 0])], 2 * DAY, rules);
    expect(unpriced.teams.A.rating).toBeCloseTo(0.05 * (2 - 0.8 * 0.3), 12);
    expect(unpriced.pricedCount).toBe(0);
    // a new team starts at the mean of the competition's known teams plus the offset
    // (in the competition's first season everyone starts level, at 0)
    const nextSeason = { ...priced('3', 300, 'A', 'D', [1, 1]), season: '2021-2022' };
    const withOffset = fitMarketRating([m, nextSeason], 301 * DAY, {
      ...rules,
      newTeamOffset: -0.4,
    });
    const { A, B, D } = withOffset.teams;
    expect(A.rating + B.rating + D.rating).toBeCloseTo(-0.4, 12);
    const fresh = marketRatingSupremacy(withOffset, {
      homeTeam: 'A',
      awayTeam: 'New',
      competition: 'C',
      season: '2021-2022',
      neutral: true,
    });
    expect(fresh).toBeCloseTo(A.rating - (-0.4 / 3 - 0.4), 12);
  });

  const league = simulateLeague({ seed: 11, seasons: 3, teams: 20 });
  const matches: MatchInput[] = league.matches;
  // the start of the third season: ratings from two seasons, evaluated on the third
  const asOf = Math.min(...matches.filter((m) => m.season === '2023-2024').map((m) => m.kickoff));

  it('recovers the simulated strengths and probabilities from the prices', () => {
    // a calm rating (small steps, prices only) averages out the per-match noise of the prices
    const params = fitMarketRating(matches, asOf, { ...hp, k: 0.1, goalK: 0, driftK: 0 });
    const { truth } = league;
    const strength = truth.teams.map((_, i) => truth.attack[i] + truth.defence[i]);
    const rating = truth.teams.map((t) => params.teams[t].rating);
    expect(pearsonCorrelation(strength, rating)).toBeGreaterThan(0.97);
    expect(params.competitions[league.competition].homeAdvantage).toBeGreaterThan(0.2);
    expect(params.kappa).toBeGreaterThan(0.5);
    expect(params.kappa).toBeLessThan(1.1);
    const later = league.matches.filter((m) => m.kickoff >= asOf);
    let error = 0;
    // the base rates of the two earlier seasons, as a no-skill reference
    const past = matches.filter((m) => m.kickoff < asOf);
    const rate = (f: (m: MatchInput) => boolean) => past.filter(f).length / past.length;
    const baseHome = rate((m) => m.homeGoals! > m.awayGoals!);
    const baseDraw = rate((m) => m.homeGoals === m.awayGoals);
    let baseError = 0;
    for (const m of later) {
      baseError += Math.abs(baseHome - m.trueProbabilities.home);
      baseError += Math.abs(baseDraw - m.trueProbabilities.draw);
      const p = predictMarketRating(params, m);
      error += Math.abs(p.home - m.trueProbabilities.home);
      error += Math.abs(p.draw - m.trueProbabilities.draw);
    }
    // log-odds supremacy is only nearly additive in Poisson strengths: a few points of error
    expect(error / (2 * later.length)).toBeLessThan(0.04);
    expect(error).toBeLessThan(baseError / 2);
  });

  it('is a pure function of the matches before asOf; a warm start changes nothing', () => {
    const full = fitMarketRating(matches, asOf, hp);
    expect(fitMarketRating([...matches].reverse(), asOf, hp)).toEqual(full);
    const past = matches.filter((m) => m.kickoff < asOf);
    expect(fitMarketRating(past, asOf, hp)).toEqual(full);
    const earlier = fitMarketRating(matches, asOf - 60 * DAY, hp);
    expect(fitMarketRating(matches, asOf, hp, earlier)).toEqual(full);
    expect(JSON.parse(JSON.stringify(full))).toEqual(full);
  });

  it('replays from scratch when the warm start does not match the data or hyperparameters', () => {
    const earlier = fitMarketRating(matches, asOf - 60 * DAY, hp);
    // a late-arriving old result: the earlier fit no longer describes the data before its asOf
    const late = { ...matches[5], id: 'late', homeGoals: 5, awayGoals: 0 };
    const withLate = [...matches, late];
    expect(fitMarketRating(withLate, asOf, hp, earlier)).toEqual(
      fitMarketRating(withLate, asOf, hp),
    );
    const other = { ...hp, k: 0.1 };
    expect(fitMarketRating(matches, asOf, other, earlier)).toEqual(
      fitMarketRating(matches, asOf, other),
    );
  });
});
