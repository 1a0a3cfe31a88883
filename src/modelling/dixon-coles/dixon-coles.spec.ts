import { pearsonCorrelation } from '../metrics/correlation';
import type { MatchInput } from '../types';
import { matchResult } from '../markets/markets';
import { totalProbability } from '../markets/score-matrix';
import { createRng } from '../simulation/rng';
import { simulateLeague } from '../simulation/league';
import { fitDixonColes } from './fit';
import { dixonColesObjective, prepareMatches, rhoBounds } from './likelihood';
import { DixonColesPredictor } from './predictor';
import { dixonColesMatrixFromRates, dixonColesScoreMatrix, expectedGoals, tau } from './model';
import type { DixonColesParameters } from './model';

const DAY = 86_400_000;

function meanAbsoluteError(x: number[], y: number[]): number {
  return x.reduce((s, v, i) => s + Math.abs(v - y[i]), 0) / x.length;
}

/** Small random data set with every low score, neutral venues and a spread of kick-offs. */
function randomMatches(seed: number, count: number): MatchInput[] {
  const rng = createRng(seed);
  const teams = ['A', 'B', 'C', 'D', 'E', 'F'];
  return Array.from({ length: count }, (_, k) => {
    const h = rng.int(teams.length);
    const a = (h + 1 + rng.int(teams.length - 1)) % teams.length;
    return {
      id: String(k),
      kickoff: 1_600_000_000_000 + k * 3 * DAY,
      homeTeam: teams[h],
      awayTeam: teams[a],
      competition: 'test',
      season: '2020-2021',
      neutral: k % 5 === 0,
      homeGoals: k % 7 === 0 ? 0 : rng.poisson(1.4),
      awayGoals: k % 11 === 0 ? 1 : rng.poisson(1.1),
    };
  });
}

describe('Dixon-Coles likelihood derivatives', () => {
  const matches = randomMatches(7, 120);
  const asOf = matches[matches.length - 1].kickoff + DAY;

  it.each([
    [-0.15, 0.004],
    [0, 0.0018],
    [0.12, 0],
  ])(
    'gradient and Hessian equal central finite differences (rho start %p, xi %p)',
    (rhoTarget, xi) => {
      const data = prepareMatches(matches, asOf, xi);
      const bounds = rhoBounds(-0.2, 0.2);
      const f = dixonColesObjective(data, 1.5, bounds);
      const rng = createRng(Math.round(1000 * (rhoTarget + xi)) + 3);
      const n = data.teams.length;
      const size = 2 * n + 3;
      const x = Float64Array.from({ length: size }, () => 0.3 * rng.normal());
      x[2 * n + 2] = Math.atanh(rhoTarget / 0.2);
      const { gradient, hessian } = f(x);
      for (let i = 0; i < size; i++) {
        const h = 1e-6;
        const plus = Float64Array.from(x);
        const minus = Float64Array.from(x);
        plus[i] += h;
        minus[i] -= h;
        const [up, down] = [f(plus), f(minus)];
        const numeric = (up.value - down.value) / (2 * h);
        expect(Math.abs(gradient[i] - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
        // Column i of the Hessian: the change of the analytic gradient along x_i.
        for (let j = 0; j < size; j++) {
          const column = (up.gradient[j] - down.gradient[j]) / (2 * h);
          expect(Math.abs(hessian[j * size + i] - column)).toBeLessThan(
            1e-6 * Math.max(1, Math.abs(column)),
          );
          expect(hessian[j * size + i]).toBe(hessian[i * size + j]);
        }
      }
    },
  );

  it('is infinite where tau would be non-positive', () => {
    const data = prepareMatches(
      [{ ...randomMatches(1, 1)[0], homeGoals: 0, awayGoals: 0 }],
      Number.MAX_SAFE_INTEGER,
      0,
    );
    const f = dixonColesObjective(data, 0, rhoBounds(-0.9, 0.9));
    const x = new Float64Array(2 * data.teams.length + 3);
    x[2 * data.teams.length] = 1.5; // lambda = mu = e^1.5, lambda * mu * rho > 1
    x[2 * data.teams.length + 2] = 3;
    expect(f(x).value).toBe(Infinity);
  });
});

describe('fitDixonColes', () => {
  const league = simulateLeague({ seed: 3, teams: 20, seasons: 3 });
  const truth = league.truth;
  const asOf = truth.asOf;
  const hp = { xi: 0, ridge: 0.5 };
  const cold = fitDixonColes(league.matches, asOf, hp);

  it('recovers the simulated truth', () => {
    expect(cold.converged).toBe(true);
    expect(cold.matchesUsed).toBe(3 * 380);
    const order = cold.teams.map((t) => truth.teams.indexOf(t));
    const trueAttack = order.map((i) => truth.attack[i]);
    const trueDefence = order.map((i) => truth.defence[i]);
    expect(pearsonCorrelation(cold.attack, trueAttack)).toBeGreaterThan(0.9);
    expect(pearsonCorrelation(cold.defence, trueDefence)).toBeGreaterThan(0.9);
    expect(meanAbsoluteError(cold.attack, trueAttack)).toBeLessThan(0.1);
    expect(meanAbsoluteError(cold.defence, trueDefence)).toBeLessThan(0.1);
    expect(Math.abs(cold.homeAdvantage - truth.homeAdvantage)).toBeLessThan(0.08);
    expect(Math.abs(cold.intercept - truth.intercept)).toBeLessThan(0.08);
    // rho has a standard error of about 0.04 with ~1,100 matches.
    expect(Math.abs(cold.rho - truth.rho)).toBeLessThan(0.1);
  });

  it('uses only played matches strictly before asOf', () => {
    const cut = league.matches[500].kickoff;
    const withFixtures = league.matches.map((m, i) =>
      i >= 700 ? { ...m, homeGoals: undefined, awayGoals: undefined } : m,
    );
    const fit = fitDixonColes(withFixtures, cut, hp);
    expect(fit.matchesUsed).toBe(league.matches.filter((m) => m.kickoff < cut).length);
    // Future results must not change the fit.
    const onlyPast = fitDixonColes(
      league.matches.filter((m) => m.kickoff < cut),
      cut,
      hp,
    );
    expect(fit.attack).toEqual(onlyPast.attack);
  });

  it('warm start reaches the same optimum in fewer iterations', () => {
    const earlier = fitDixonColes(league.matches, asOf - 14 * DAY, { ...hp, xi: 0.002 });
    const coldDecay = fitDixonColes(league.matches, asOf, { ...hp, xi: 0.002 });
    const warm = fitDixonColes(league.matches, asOf, { ...hp, xi: 0.002 }, earlier);
    expect(warm.converged).toBe(true);
    expect(warm.iterations as number).toBeLessThan(coldDecay.iterations as number);
    expect(warm.teams).toEqual(coldDecay.teams);
    for (let i = 0; i < warm.teams.length; i++) {
      expect(Math.abs(warm.attack[i] - coldDecay.attack[i])).toBeLessThan(1e-4);
      expect(Math.abs(warm.defence[i] - coldDecay.defence[i])).toBeLessThan(1e-4);
    }
    expect(Math.abs(warm.rho - coldDecay.rho)).toBeLessThan(1e-4);
    expect(Math.abs(warm.homeAdvantage - coldDecay.homeAdvantage)).toBeLessThan(1e-4);
  });

  it('warm start tolerates teams that are new or gone', () => {
    const previous: DixonColesParameters = {
      ...cold,
      teams: ['Somewhere Else', ...cold.teams.slice(1)],
    };
    const warm = fitDixonColes(league.matches, asOf, hp, previous);
    expect(warm.teams).toEqual(cold.teams);
    expect(Math.abs(warm.attack[0] - cold.attack[0])).toBeLessThan(1e-4);
  });

  it('keeps rho inside its bounds', () => {
    const fit = fitDixonColes(league.matches, asOf, { ...hp, rhoMin: -0.02, rhoMax: 0.05 });
    expect(fit.rho).toBeGreaterThanOrEqual(-0.02);
    expect(fit.rho).toBeLessThanOrEqual(0.05);
    // The truth (-0.08) is outside, so the fit sits at the lower edge.
    expect(fit.rho).toBeLessThan(-0.015);
  });

  it('keeps a team with a single match finite thanks to the ridge', () => {
    const single: MatchInput = {
      ...league.matches[0],
      id: 'one-off',
      homeTeam: 'Visitors XI',
      homeGoals: 7,
      awayGoals: 0,
    };
    const fit = fitDixonColes([...league.matches, single], asOf, { xi: 0, ridge: 1 });
    const i = fit.teams.indexOf('Visitors XI');
    expect(Number.isFinite(fit.attack[i])).toBe(true);
    expect(fit.attack[i]).toBeGreaterThan(0);
    expect(fit.attack[i]).toBeLessThan(1.5);
  });

  it('refuses to fit without data', () => {
    expect(() => fitDixonColes(league.matches, league.matches[0].kickoff, hp)).toThrow(RangeError);
  });

  it('survives a JSON round trip', () => {
    const restored = JSON.parse(JSON.stringify(cold)) as DixonColesParameters;
    expect(restored).toEqual(cold);
    const fixture = league.matches[10];
    expect(new DixonColesPredictor(restored).predict(fixture)).toEqual(
      new DixonColesPredictor(cold).predict(fixture),
    );
  });
});

describe('Dixon-Coles predictions', () => {
  const params: DixonColesParameters = {
    model: 'dixon-coles',
    teams: ['Home', 'Away'],
    attack: [0.3, -0.1],
    defence: [0.2, -0.2],
    intercept: 0.1,
    homeAdvantage: 0.25,
    rho: -0.1,
    asOf: 0,
    hyperparameters: { xi: 0, ridge: 1 },
    matchesUsed: 0,
  };
  const fixture = { homeTeam: 'Home', awayTeam: 'Away', neutral: false };

  it('computes expected goals from the log-linear model', () => {
    const rates = expectedGoals(params, fixture);
    expect(rates.home).toBeCloseTo(Math.exp(0.1 + 0.25 + 0.3 + 0.2), 12);
    expect(rates.away).toBeCloseTo(Math.exp(0.1 - 0.1 - 0.2), 12);
    const neutral = expectedGoals(params, { ...fixture, neutral: true });
    expect(neutral.home).toBeCloseTo(Math.exp(0.1 + 0.3 + 0.2), 12);
  });

  it('applies tau to exactly the four low scores', () => {
    const m = dixonColesScoreMatrix(params, fixture);
    const { home: l, away: mu } = expectedGoals(params, fixture);
    const pois = (k: number, r: number) => (Math.exp(-r) * r ** k) / [1, 1, 2, 6][k];
    // Ratios between cells cancel the normalising constant.
    const ratio = (h: number, a: number) => m.p[h][a] / m.p[2][2];
    const plain = (h: number, a: number) => (pois(h, l) * pois(a, mu)) / (pois(2, l) * pois(2, mu));
    expect(ratio(0, 0)).toBeCloseTo(plain(0, 0) * (1 - l * mu * -0.1), 10);
    expect(ratio(0, 1)).toBeCloseTo(plain(0, 1) * (1 + l * -0.1), 10);
    expect(ratio(1, 0)).toBeCloseTo(plain(1, 0) * (1 + mu * -0.1), 10);
    expect(ratio(1, 1)).toBeCloseTo(plain(1, 1) * 1.1, 10);
    expect(ratio(3, 1)).toBeCloseTo(plain(3, 1), 10);
    expect(tau(2, 0, l, mu, 0.2)).toBe(1);
  });

  it.each([
    [0.05, 0.05, 0.2],
    [8, 8, 0.2],
    [6, 0.1, -0.2],
    [0.1, 6, -0.2],
    [12, 12, -0.2],
  ])('gives a valid matrix for extreme rates %p/%p and rho %p', (lambda, mu, rho) => {
    const m = dixonColesMatrixFromRates(lambda, mu, rho, 10);
    expect(m.p).toHaveLength(11);
    for (const row of m.p) for (const v of row) expect(v).toBeGreaterThanOrEqual(0);
    expect(totalProbability(m)).toBeCloseTo(1, 12);
    const r = matchResult(m);
    expect(r.home + r.draw + r.away).toBeCloseTo(1, 12);
  });

  it('clamps negative tau cells instead of returning negative probabilities', () => {
    // lambda * mu * rho = 1.6 > 1, so the raw 0-0 cell would be negative.
    const m = dixonColesMatrixFromRates(4, 2, 0.2);
    expect(m.p[0][0]).toBe(0);
  });

  it('uses the promoted-team prior, or the league average, for unknown teams', () => {
    const withPrior = { ...params, newTeam: { attack: -0.2, defence: -0.1 } };
    const unknown = { homeTeam: 'Newcomers', awayTeam: 'Away', neutral: false };
    expect(expectedGoals(withPrior, unknown).home).toBeCloseTo(
      Math.exp(0.1 + 0.25 - 0.2 + 0.2),
      12,
    );
    expect(expectedGoals(params, unknown).home).toBeCloseTo(Math.exp(0.1 + 0.25 + 0.2), 12);
    const p = new DixonColesPredictor(withPrior).predict({
      id: 'x',
      kickoff: 0,
      competition: 'c',
      season: 's',
      ...unknown,
    });
    expect(p.home + p.draw + p.away).toBeCloseTo(1, 12);
  });
});
