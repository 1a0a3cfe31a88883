import { pearsonCorrelation } from '../metrics/correlation';
import { rankedProbabilityScore, outcomeOf } from '../metrics/scores';
import { createRng, simulateLeague } from '../simulation';
import type { MatchInput } from '../types';
import { matchInput } from '../match-input.spec-support';
import { EloState, fitElo, type EloParameters } from './fit';
import { fitOrderedLogit, orderedLogitProbabilities, type OrderedLogit } from './ordered-logit';
import { EloPredictor } from './predictor';
import {
  DEFAULT_ELO_HYPERPARAMETERS,
  eloUpdate,
  expectedScore,
  goalDifferenceMultiplier,
  type EloHyperparameters,
} from './rating';

const DAY = 86_400_000;
const hp: EloHyperparameters = { ...DEFAULT_ELO_HYPERPARAMETERS, logitBurnInMatches: 0 };

/** A played match of competition 'C' (the shared builder, with goals as two arguments). */
const match = (
  id: number,
  day: number,
  homeTeam: string,
  awayTeam: string,
  homeGoals: number,
  awayGoals: number,
  season?: string,
): MatchInput => matchInput(String(id), day, homeTeam, awayTeam, [homeGoals, awayGoals], season);

describe('Elo update rules', () => {
  it('expected score and goal-difference multipliers', () => {
    // 1 / (1 + 10^(-400/400)) = 1 / 1.1 = 0.909090...
    expect(expectedScore(400)).toBeCloseTo(1 / 1.1, 12);
    expect(expectedScore(0)).toBe(0.5);
    // World Football Elo: 1, 1, 1.5, then (11 + gd) / 8: gd 3 -> 14/8 = 1.75, gd 5 -> 16/8 = 2
    expect(goalDifferenceMultiplier('world-football', 0)).toBe(1);
    expect(goalDifferenceMultiplier('world-football', -1)).toBe(1);
    expect(goalDifferenceMultiplier('world-football', 2)).toBe(1.5);
    expect(goalDifferenceMultiplier('world-football', -3)).toBe(1.75);
    expect(goalDifferenceMultiplier('world-football', 5)).toBe(2);
    // log rule: ln(1 + 3) / ln 2 = 2
    expect(goalDifferenceMultiplier('log', 3)).toBeCloseTo(2, 12);
    expect(goalDifferenceMultiplier('none', 4)).toBe(1);
  });

  it('moves ratings by K * G * (actual - expected)', () => {
    // equal teams, home win 1-0: 20 * 1 * (1 - 0.5) = 10; 3-0: 20 * 1.75 * 0.5 = 17.5; draw: 0
    expect(eloUpdate({ k: 20, goalDifference: 'world-football' }, 0, 1, 0)).toBeCloseTo(10, 12);
    expect(eloUpdate({ k: 20, goalDifference: 'world-football' }, 0, 3, 0)).toBeCloseTo(17.5, 12);
    expect(eloUpdate({ k: 20, goalDifference: 'world-football' }, 0, 2, 2)).toBe(0);
    // favourite by 400 draws: 20 * (0.5 - 1/1.1) = -8.1818...
    expect(eloUpdate({ k: 20, goalDifference: 'none' }, 400, 0, 0)).toBeCloseTo(
      20 * (0.5 - 1 / 1.1),
      12,
    );
  });
});

describe('fitElo', () => {
  it('replays only finished matches before asOf, with home advantage in the expectation', () => {
    const h = { ...hp, k: 20, homeAdvantage: 0, goalDifference: 'none' as const };
    const matches = [
      match(1, 1, 'A', 'B', 1, 0),
      match(2, 2, 'B', 'A', 0, 0),
      match(3, 9, 'A', 'B', 5, 0),
    ];
    const p = fitElo(matches, 5 * DAY, h);
    expect(p.matchCount).toBe(2);
    // match 1: A +10 -> A 1510, B 1490. match 2: B (1490) hosts A (1510), diff -20:
    // E_B = 1 / (1 + 10^(20/400)) = 0.471249..., draw: B gains 20 * (0.5 - 0.471249) = 0.575
    const eB = 1 / (1 + Math.pow(10, 20 / 400));
    expect(p.teams.B.rating).toBeCloseTo(1490 + 20 * (0.5 - eB), 9);
    expect(p.teams.A.rating).toBeCloseTo(1510 - 20 * (0.5 - eB), 9);
  });

  it('gives no home advantage at neutral venues', () => {
    const p = fitElo([match(1, 1, 'A', 'B', 1, 1)], 2 * DAY, { ...hp, homeAdvantage: 80 });
    const predictor = new EloPredictor(p);
    const fixture = { ...match(2, 3, 'A', 'B', 0, 0), homeGoals: undefined, awayGoals: undefined };
    const ra = p.teams.A.rating;
    const rb = p.teams.B.rating;
    expect(predictor.ratingDifference(fixture)).toBeCloseTo(ra + 80 - rb, 9);
    expect(predictor.ratingDifference({ ...fixture, neutral: true })).toBeCloseTo(ra - rb, 9);
  });

  it('starts promoted teams below the previous season mean and regresses at season start', () => {
    const h = {
      ...hp,
      k: 20,
      homeAdvantage: 0,
      goalDifference: 'none' as const,
      newTeamOffset: -50,
      seasonRegression: 0.5,
    };
    // Season 1: A beats B once: A 1510, B 1490, season mean 1500.
    // Season 2: A meets newcomer N. A regresses halfway to 1500: 1505. N starts at 1500 - 50 = 1450.
    const matches = [match(1, 1, 'A', 'B', 1, 0, 's1'), match(2, 400, 'A', 'N', 0, 0, 's2')];
    const p = fitElo(matches, 401 * DAY, h);
    // draw with diff 1505 - 1450 = 55: A loses 20 * (0.5 - E(55)), N gains it
    const change = 20 * (0.5 - expectedScore(55));
    expect(p.teams.A.rating).toBeCloseTo(1505 + change, 9);
    expect(p.teams.N.rating).toBeCloseTo(1450 - change, 9);
    expect(p.teams.B.rating).toBeCloseTo(1490, 9); // not yet regressed: has not played in s2
    // a prediction for B's first s2 match regresses B to 1500 + (1490 - 1500) / 2 = 1495 first;
    // the baseline is the mean of s1's teams at the start of s2 (1500).
    const predictor = new EloPredictor(p);
    const fixture: MatchInput = { ...match(3, 402, 'B', 'N', 0, 0, 's2') };
    expect(predictor.ratingDifference(fixture)).toBeCloseTo(1495 - p.teams.N.rating, 9);
  });

  it('recovers an ordered logit from data drawn from it', () => {
    const rng = createRng(7);
    const truth = { slope: 0.8, cutpoints: [-0.7, 0.4] as [number, number] };
    const n = 20_000;
    const differences = new Float64Array(n);
    const outcomes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      differences[i] = 2 * rng.normal();
      const p = orderedLogitProbabilities(truth, differences[i]);
      const u = rng.next();
      outcomes[i] = u < p.away ? 0 : u < p.away + p.draw ? 1 : 2;
    }
    const fitted = fitOrderedLogit({ differences, outcomes, weights: new Float64Array(n).fill(1) });
    expect(fitted.slope).toBeCloseTo(0.8, 1);
    expect(fitted.cutpoints[0]).toBeCloseTo(-0.7, 1);
    expect(fitted.cutpoints[1]).toBeCloseTo(0.4, 1);
  });

  it('fits the maximum of the weighted likelihood from any start, and stays finite without draws', () => {
    const rng = createRng(3);
    const n = 3_000;
    const differences = new Float64Array(n);
    const outcomes = new Uint8Array(n);
    const weights = new Float64Array(n);
    const truth = { slope: 1.1, cutpoints: [-0.5, 0.6] as [number, number] };
    for (let i = 0; i < n; i++) {
      differences[i] = rng.normal();
      const p = orderedLogitProbabilities(truth, differences[i]);
      const u = rng.next();
      outcomes[i] = u < p.away ? 0 : u < p.away + p.draw ? 1 : 2;
      weights[i] = i % 7 === 0 ? 0 : 0.5 + rng.next();
    }
    const data = { differences, outcomes, weights };
    // The weighted log-likelihood, from the probabilities alone (not the fit's own derivatives).
    const logLikelihood = (m: { slope: number; cutpoints: [number, number] }) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const p = orderedLogitProbabilities(m, differences[i]);
        sum += weights[i] * Math.log([p.away, p.draw, p.home][outcomes[i]]);
      }
      return sum;
    };
    const starts = [
      undefined,
      { slope: -2, cutpoints: [-3, 3] as [number, number] },
      { slope: 5, cutpoints: [0.1, 0.1001] as [number, number] },
    ];
    const fits = starts.map((start) => fitOrderedLogit(data, start));
    for (const fit of fits) {
      expect(fit.slope).toBeCloseTo(fits[0].slope, 6);
      expect(fit.cutpoints[0]).toBeCloseTo(fits[0].cutpoints[0], 6);
      expect(fit.cutpoints[1]).toBeCloseTo(fits[0].cutpoints[1], 6);
    }
    // A maximum: moving any parameter either way lowers the likelihood.
    const best = logLikelihood(fits[0]);
    const h = 1e-3;
    for (const move of [
      (m: OrderedLogit) => ({ ...m, slope: m.slope + h }),
      (m: OrderedLogit) => ({ ...m, slope: m.slope - h }),
      (m: OrderedLogit) => ({
        ...m,
        cutpoints: [m.cutpoints[0] + h, m.cutpoints[1]] as [number, number],
      }),
      (m: OrderedLogit) => ({
        ...m,
        cutpoints: [m.cutpoints[0] - h, m.cutpoints[1]] as [number, number],
      }),
      (m: OrderedLogit) => ({
        ...m,
        cutpoints: [m.cutpoints[0], m.cutpoints[1] + h] as [number, number],
      }),
      (m: OrderedLogit) => ({
        ...m,
        cutpoints: [m.cutpoints[0], m.cutpoints[1] - h] as [number, number],
      }),
    ]) {
      expect(logLikelihood(move(fits[0]))).toBeLessThan(best);
    }
    // No draws at all: the draw band shrinks, yet every probability stays finite and ordered.
    const noDraws = { differences, outcomes: outcomes.map((y) => (y === 1 ? 2 : y)), weights };
    const degenerate = fitOrderedLogit(noDraws);
    expect(degenerate.cutpoints[1]).toBeGreaterThan(degenerate.cutpoints[0]);
    const p = orderedLogitProbabilities(degenerate, 0.3);
    expect(p.home + p.draw + p.away).toBeCloseTo(1, 12);
    expect(p.draw).toBeLessThan(1e-3);
  });

  it('learns strengths on a simulated league: beats base rates and tracks true strength', () => {
    const league = simulateLeague({ seed: 11, seasons: 3 });
    const last = league.matches[league.matches.length - 1].kickoff;
    const split = league.matches[Math.floor(league.matches.length * 0.8)].kickoff;
    const params = fitElo(league.matches, split, DEFAULT_ELO_HYPERPARAMETERS);
    // JSON round trip: parameters are plain data
    const predictor = new EloPredictor(JSON.parse(JSON.stringify(params)));
    const test = league.matches.filter((m) => m.kickoff >= split && m.kickoff <= last);
    let rpsElo = 0;
    let rpsFlat = 0;
    for (const m of test) {
      const p = predictor.predict(m);
      expect(p.home + p.draw + p.away).toBeCloseTo(1, 12);
      const outcome = outcomeOf(m.homeGoals, m.awayGoals);
      rpsElo += rankedProbabilityScore(p, outcome);
      rpsFlat += rankedProbabilityScore({ home: 0.45, draw: 0.27, away: 0.28 }, outcome);
    }
    expect(rpsElo / test.length).toBeLessThan(rpsFlat / test.length - 0.01);
    // Ratings rank like the true (attack + defence) strengths.
    const truth = league.truth;
    const strength = truth.teams.map((t, i) => [
      truth.attack[i] + truth.defence[i],
      params.teams[t].rating,
    ]);
    const corr = pearsonCorrelation(
      strength.map((s) => s[0]),
      strength.map((s) => s[1]),
    );
    expect(corr).toBeGreaterThan(0.8);
    expect(params.outcomeModel.slope).toBeGreaterThan(0);
  });
});

describe('EloState.forFixture', () => {
  const h = { ...hp, newTeamOffset: -50, seasonRegression: 0.3 };
  // Two seasons in competition C: A, B, D in s1, A and B again in s2.
  const fitted = fitElo(
    [
      match(1, 1, 'A', 'B', 2, 0, 's1'),
      match(2, 8, 'D', 'A', 1, 1, 's1'),
      match(3, 15, 'B', 'D', 3, 1, 's1'),
      match(4, 400, 'A', 'B', 0, 1, 's2'),
    ],
    401 * DAY,
    h,
  );

  it('gives every fixture the difference a copy of the whole state gives', () => {
    const fixtures: MatchInput[] = [
      match(5, 402, 'B', 'A', 0, 0, 's2'), // both rated this season
      match(6, 402, 'D', 'A', 0, 0, 's2'), // D regresses into s2
      match(7, 402, 'N', 'B', 0, 0, 's2'), // a newcomer
      match(8, 800, 'A', 'D', 0, 0, 's3'), // opens a season: the baseline needs every team
      { ...match(9, 402, 'A', 'X', 0, 0, 's2'), competition: 'Other' }, // unknown competition
      { ...match(10, 402, 'constructor', 'A', 0, 0, 's2') }, // a name Object.prototype has
    ];
    for (const fixture of fixtures) {
      const full = EloState.from(fitted).difference(fixture);
      const scratch = EloState.forFixture(fitted, fixture).difference(fixture);
      expect(scratch.difference).toBeCloseTo(full.difference, 12);
      expect(scratch.home.rating).toBeCloseTo(full.home.rating, 12);
      expect(scratch.away.rating).toBeCloseTo(full.away.rating, 12);
    }
  });

  it('leaves the fitted parameters untouched', () => {
    const before = JSON.stringify(fitted);
    EloState.forFixture(fitted, match(11, 800, 'D', 'B', 0, 0, 's3')).difference(
      match(11, 800, 'D', 'B', 0, 0, 's3'),
    );
    EloState.forFixture(fitted, match(12, 402, 'D', 'B', 0, 0, 's2')).difference(
      match(12, 402, 'D', 'B', 0, 0, 's2'),
    );
    expect(JSON.stringify(fitted)).toBe(before);
  });
});

describe('fitElo continuation', () => {
  const league = simulateLeague({ seed: 17, teams: 10, seasons: 3 });
  const matches = league.matches;
  const at = (i: number) => matches[i].kickoff;
  const hp = { ...DEFAULT_ELO_HYPERPARAMETERS, logitHalfLifeDays: 365 };
  const strip = (p: EloParameters) => JSON.parse(JSON.stringify(p)) as EloParameters;

  it('continues an earlier fit of the same data to exactly what a full replay gives', () => {
    const weekly = [100, 110, 130, 200, 260].map(at);
    let previous: EloParameters | undefined;
    for (const asOf of weekly) {
      const continued = fitElo(matches, asOf, hp, previous);
      // A JSON copy has no replay record: it only warm-starts the ordered logit and replays.
      const replayed = fitElo(matches, asOf, hp, previous && strip(previous));
      expect(continued).toEqual(replayed);
      previous = continued;
    }
  });

  it('does not let two continuations of one fit overwrite each other', () => {
    const base = fitElo(matches, at(100), hp);
    const a = fitElo(matches, at(150), hp, base); // a copy with room to append
    const b = fitElo(matches, at(180), hp, a); // appends in place
    // A second branch from `a` with other later results: it must not write over b's record.
    const otherLater = matches.map((m, i) => (i >= 150 ? { ...m, homeGoals: 5, awayGoals: 0 } : m));
    fitElo(otherLater, at(165), hp, a);
    const c = fitElo(matches, at(220), hp, b);
    expect(c).toEqual(fitElo(matches, at(220), hp, strip(b)));
  });

  it('replays from scratch when the earlier fit saw other data or other settings', () => {
    const other = fitElo(matches.slice(5), at(100), hp);
    const expected = fitElo(matches, at(150), hp, strip(other));
    expect(fitElo(matches, at(150), hp, other)).toEqual(expected);
    const otherHp = fitElo(matches, at(100), { ...hp, k: 30 });
    expect(fitElo(matches, at(150), hp, otherHp)).toEqual(
      fitElo(matches, at(150), hp, strip(otherHp)),
    );
  });
});
