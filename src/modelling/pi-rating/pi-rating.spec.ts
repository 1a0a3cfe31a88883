import { pearsonCorrelation } from '../metrics/correlation';
import { simulateLeague } from '../simulation/league';
import { fitPiRating } from './fit';
import {
  DEFAULT_PI_RATING_HYPERPARAMETERS,
  expectedGoalDifference,
  piUpdate,
  predictPiRating,
  ratingGoals,
  type PiRatingHyperparameters,
} from './model';
import { matchInput as match } from '../match-input.spec-support';

const DAY = 86_400_000;
const hp = DEFAULT_PI_RATING_HYPERPARAMETERS;

describe('pi-rating update rules', () => {
  it('maps ratings to goals as sign(r) * (10^(|r| / 3) - 1)', () => {
    expect(ratingGoals(0)).toBe(0);
    expect(ratingGoals(3)).toBeCloseTo(9, 12);
    expect(ratingGoals(-1.5)).toBeCloseTo(-(Math.sqrt(10) - 1), 12);
  });

  it('moves the venue rating by lambda * 3 log10(1 + |error|), the other one by gamma times that', () => {
    const home = { home: 0, away: 0, games: 0 };
    const away = { home: 0, away: 0, games: 0 };
    // expected 0, observed +3: step = 0.035 * 3 * log10(4)
    piUpdate(hp, home, away, 3);
    const step = 0.035 * 3 * Math.log10(4);
    expect(home.home).toBeCloseTo(step, 12);
    expect(home.away).toBeCloseTo(step * 0.7, 12);
    expect(away.away).toBeCloseTo(-step, 12);
    expect(away.home).toBeCloseTo(-step * 0.7, 12);
    expect([home.games, away.games]).toEqual([1, 1]);
    // the home side is now expected to win by more than 0: a draw lowers its home rating
    expect(expectedGoalDifference(home, away)).toBeGreaterThan(0);
    const before = home.home;
    piUpdate(hp, home, away, 0);
    expect(home.home).toBeLessThan(before);
  });
});

describe('pi-ratings on a simulated league', () => {
  const league = simulateLeague({ seed: 7, teams: 20, seasons: 4 });
  const { truth } = league;
  const fitted = fitPiRating(league.matches, truth.asOf, hp);
  // A team's true strength in goal-difference terms: attack plus defence (higher concedes less).
  const strength = truth.teams.map((_, i) => truth.attack[i] + truth.defence[i]);

  it('orders teams by their true strength, home and away', () => {
    expect(fitted.matchCount).toBe(4 * 380);
    const home = truth.teams.map((t) => fitted.teams[t].home);
    const away = truth.teams.map((t) => fitted.teams[t].away);
    expect(pearsonCorrelation(home, strength)).toBeGreaterThan(0.85);
    expect(pearsonCorrelation(away, strength)).toBeGreaterThan(0.85);
    // home ratings carry the home advantage
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean(home)).toBeGreaterThan(mean(away));
  });

  it('gives probabilities that sum to 1 and favour the stronger side', () => {
    const best = truth.teams[strength.indexOf(Math.max(...strength))];
    const worst = truth.teams[strength.indexOf(Math.min(...strength))];
    const strong = predictPiRating(fitted, match('x', 0, best, worst, undefined, '2024-2025'));
    const weak = predictPiRating(fitted, match('y', 0, worst, best, undefined, '2024-2025'));
    for (const p of [strong, weak]) {
      expect(p.home + p.draw + p.away).toBeCloseTo(1, 12);
      expect(Math.min(p.home, p.draw, p.away)).toBeGreaterThan(0);
    }
    expect(strong.home).toBeGreaterThan(weak.home);
    expect(strong.home).toBeGreaterThan(strong.away);
    expect(weak.away).toBeGreaterThan(weak.home);
  });

  it('is deterministic, and a resumed weekly fit equals a full replay', () => {
    const again = fitPiRating(league.matches, truth.asOf, hp);
    expect(again).toEqual(fitted);
    const cut = league.matches[700].kickoff;
    const first = fitPiRating(league.matches, cut, hp);
    const resumed = fitPiRating(league.matches, truth.asOf, hp, first);
    const full = fitPiRating(league.matches, truth.asOf, hp, { ...first });
    expect(resumed.teams).toEqual(full.teams);
    expect(resumed.matchCount).toBe(full.matchCount);
    expect(resumed.outcomeModel.slope).toBeCloseTo(full.outcomeModel.slope, 5);
    // the earlier fit is not mutated by the continuation
    expect(first).toEqual(fitPiRating(league.matches, cut, hp));
  });

  it('starts promoted sides at newTeamRating, founding teams at 0', () => {
    const custom: PiRatingHyperparameters = { ...hp, newTeamRating: -0.4 };
    const params = fitPiRating(
      [
        match('1', 1, 'A', 'B', [1, 1], '2020-2021'),
        match('2', 400, 'A', 'B', [1, 1], '2021-2022'),
      ],
      500 * DAY,
      custom,
    );
    expect(params.foundingSeason).toBe('2020-2021');
    const p = predictPiRating(params, match('3', 501, 'A', 'Promoted', undefined, '2021-2022'));
    const q = predictPiRating(params, match('4', 501, 'A', 'B', undefined, '2021-2022'));
    expect(p.home).toBeGreaterThan(q.home);
  });
});
