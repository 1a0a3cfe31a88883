import { pearsonCorrelation } from '../metrics/correlation';
import { simulateLeague } from '../simulation/league';
import { fitPoissonFilter } from './fit';
import {
  DEFAULT_POISSON_FILTER_HYPERPARAMETERS,
  filterRatings,
  predictPoissonFilter,
  type PoissonFilterHyperparameters,
  type PoissonFilterParameters,
} from './model';
import { matchInput as match } from '../match-input.spec-support';

const DAY = 86_400_000;
const hp = DEFAULT_POISSON_FILTER_HYPERPARAMETERS;

const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const centred = (x: number[]) => x.map((v) => v - mean(x));
const meanAbsoluteError = (x: number[], y: number[]) =>
  x.reduce((s, v, i) => s + Math.abs(v - y[i]), 0) / x.length;

describe('Poisson rating filter: parameter recovery on a simulated league', () => {
  // Static true strengths: a filter with a small random-walk variance should settle near them.
  const league = simulateLeague({ seed: 11, teams: 20, seasons: 4 });
  const truth = league.truth;
  const static_: PoissonFilterHyperparameters = {
    ...hp,
    dailyVariance: 0.000005,
    seasonVariance: 0,
    seasonRegression: 0,
    rho: truth.rho,
  };
  const fitted = fitPoissonFilter(league.matches, truth.asOf, static_);
  const attack = truth.teams.map((t) => fitted.teams[t].attack);
  const defence = truth.teams.map((t) => fitted.teams[t].defence);

  it('recovers the true attack and defence ratings (up to the shared level)', () => {
    expect(fitted.matchCount).toBe(4 * 380);
    expect(pearsonCorrelation(attack, truth.attack)).toBeGreaterThan(0.9);
    expect(pearsonCorrelation(defence, truth.defence)).toBeGreaterThan(0.9);
    expect(meanAbsoluteError(centred(attack), centred(truth.attack))).toBeLessThan(0.08);
    expect(meanAbsoluteError(centred(defence), centred(truth.defence))).toBeLessThan(0.08);
  });

  it('recovers the home advantage and the league scoring level', () => {
    const c = fitted.competitions[league.competition];
    expect(Math.abs(c.homeAdvantage - truth.homeAdvantage)).toBeLessThan(0.08);
    // The level is shared between the intercept and the mean ratings.
    const level = c.intercept + mean(attack) - mean(defence);
    const trueLevel = truth.intercept + mean(truth.attack) - mean(truth.defence);
    expect(Math.abs(level - trueLevel)).toBeLessThan(0.06);
  });

  it('predicts close to the true 1X2 probabilities', () => {
    const lastSeason = league.matches.slice(-380);
    const earlier = league.matches.slice(0, -380);
    const asOf = lastSeason[0].kickoff;
    const params = fitPoissonFilter(earlier, asOf, static_);
    let error = 0;
    for (const m of lastSeason) {
      const p = predictPoissonFilter(params, m).probabilities;
      error += Math.abs(p.home - m.trueProbabilities.home);
      error += Math.abs(p.away - m.trueProbabilities.away);
    }
    expect(error / (2 * lastSeason.length)).toBeLessThan(0.04);
  });
});

describe('Poisson rating filter: mechanics', () => {
  const league = simulateLeague({ seed: 5, teams: 10, seasons: 2 });
  const matches = league.matches;

  it('is deterministic and independent of the input order', () => {
    const a = fitPoissonFilter(matches, league.truth.asOf, hp);
    const b = fitPoissonFilter([...matches].reverse(), league.truth.asOf, hp);
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('continues a previous fit to exactly what a full replay gives', () => {
    const cut = matches[100].kickoff;
    const later = matches[150].kickoff;
    const first = fitPoissonFilter(matches, cut, hp);
    const continued = fitPoissonFilter(matches, later, hp, first);
    const replayed = fitPoissonFilter(matches, later, hp);
    expect(continued).toEqual(replayed);
    // A previous fit of different data is not continued (it would be wrong), it is replayed.
    const other = fitPoissonFilter(matches.slice(10), cut, hp);
    expect(fitPoissonFilter(matches, later, hp, other)).toEqual(replayed);
    // Nor is one with other hyperparameters.
    const otherHp = fitPoissonFilter(matches, cut, { ...hp, rho: 0 });
    expect(fitPoissonFilter(matches, later, hp, otherHp)).toEqual(replayed);
  });

  it('uses only played matches strictly before asOf', () => {
    const cut = matches[60].kickoff;
    const withFixtures = matches.map((m, i) =>
      i >= 80 ? { ...m, homeGoals: undefined, awayGoals: undefined } : m,
    );
    const a = fitPoissonFilter(withFixtures, cut, hp);
    const b = fitPoissonFilter(
      matches.filter((m) => m.kickoff < cut),
      cut,
      hp,
    );
    expect(a).toEqual(b);
    expect(a.matchCount).toBe(matches.filter((m) => m.kickoff < cut).length);
  });

  it('moves ratings towards what happened and shrinks their variance', () => {
    const games = [match('1', 1, 'A', 'B', [4, 0])];
    const p = fitPoissonFilter(games, 2 * DAY, hp);
    expect(p.teams.A.attack).toBeGreaterThan(0);
    expect(p.teams.B.defence).toBeLessThan(0);
    expect(p.teams.B.attack).toBeLessThan(0);
    expect(p.teams.A.defence).toBeGreaterThan(0);
    expect(p.teams.A.attackVariance).toBeLessThan(hp.initialVariance);
    expect(p.competitions.C.homeAdvantage).toBeGreaterThan(0.25);
  });

  it('lets the variance grow with time off, up to the initial variance', () => {
    const games = [
      match('1', 1, 'A', 'B', [1, 1]),
      match('2', 8, 'A', 'B', [1, 1]),
      match('3', 15, 'B', 'A', [1, 1]),
      match('4', 400, 'C', 'D', [1, 0]),
    ];
    const early = fitPoissonFilter(games.slice(0, 3), 16 * DAY, hp);
    const v = early.teams.A.attackVariance;
    // A's next match, long after: its variance is aged before the update.
    const later = fitPoissonFilter([...games, match('5', 420, 'A', 'C', [0, 0])], 421 * DAY, {
      ...hp,
    });
    const aged = Math.min(hp.initialVariance, v + hp.dailyVariance * 405);
    expect(aged).toBeGreaterThan(v);
    expect(later.teams.A.attackVariance).toBeLessThan(aged);
    expect(later.teams.A.attackVariance).toBeGreaterThan(v * 0.9);
  });

  it('gives a new team of an established competition the new-team prior', () => {
    const games = [
      match('1', 1, 'A', 'B', [1, 0], '2020-2021'),
      match('2', 300, 'A', 'C', [1, 0], '2021-2022'),
    ];
    const p = fitPoissonFilter(games.slice(0, 1), 2 * DAY, hp);
    expect(filterRatings(p, 'Z', 'C', '2020-2021')).toEqual({ attack: 0, defence: 0 });
    expect(filterRatings(p, 'Z', 'C', '2021-2022')).toEqual({
      attack: hp.newTeamAttack,
      defence: hp.newTeamDefence,
    });
    const q = fitPoissonFilter(games, 301 * DAY, hp);
    expect(q.competitions.C.founding).toBe(false);
  });

  it('gives non-negative probabilities that sum to 1, and rejects bad variances', () => {
    const p: PoissonFilterParameters = fitPoissonFilter(matches, league.truth.asOf, hp);
    for (const m of matches.slice(0, 50)) {
      const { probabilities: q, over25, btts } = predictPoissonFilter(p, m);
      expect(q.home + q.draw + q.away).toBeCloseTo(1, 12);
      for (const v of [q.home, q.draw, q.away, over25, btts]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(() => fitPoissonFilter(matches, 0, { ...hp, initialVariance: 0 })).toThrow(RangeError);
  });
});
