import { validateBookSum } from '../odds/margin';
import { createRng } from './rng';
import { simulateLeague } from './league';
import { doubleRoundRobin } from './schedule';

describe('createRng', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const v of seqA) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('draws uniforms, normals and Poissons with the right moments', () => {
    const rng = createRng(7);
    const n = 100_000;
    const moments = (draw: () => number) => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = draw();
        s += v;
        s2 += v * v;
      }
      return { mean: s / n, variance: s2 / n - (s / n) ** 2 };
    };
    const u = moments(() => rng.next());
    expect(u.mean).toBeCloseTo(0.5, 2);
    expect(u.variance).toBeCloseTo(1 / 12, 2);
    const z = moments(() => rng.normal());
    expect(Math.abs(z.mean)).toBeLessThan(0.02);
    expect(z.variance).toBeCloseTo(1, 1);
    for (const lambda of [0.3, 1.4, 4, 25, 300]) {
      const p = moments(() => rng.poisson(lambda));
      expect(Math.abs(p.mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      expect(Math.abs(p.variance / lambda - 1)).toBeLessThan(0.03);
    }
    expect(rng.poisson(0)).toBe(0);
    expect(() => rng.poisson(-1)).toThrow(RangeError);
  });
});

describe('doubleRoundRobin', () => {
  it('plays every ordered pair exactly once, each team once per round', () => {
    const teams = [0, 1, 2, 3, 4, 5];
    const rounds = doubleRoundRobin(teams);
    expect(rounds).toHaveLength(10);
    const pairs = new Set<string>();
    for (const round of rounds) {
      expect(new Set(round.flat()).size).toBe(6);
      for (const [h, a] of round) pairs.add(`${h}-${a}`);
    }
    expect(pairs.size).toBe(30);
  });
});

describe('simulateLeague', () => {
  const league = simulateLeague({ seed: 11, teams: 20, seasons: 2 });

  it('is identical for the same seed and different for another seed', () => {
    expect(simulateLeague({ seed: 11, teams: 20, seasons: 2 })).toEqual(league);
    const other = simulateLeague({ seed: 12, teams: 20, seasons: 2 });
    expect(other.truth.attack).not.toEqual(league.truth.attack);
    expect(other.matches.map((m) => m.homeGoals)).not.toEqual(
      league.matches.map((m) => m.homeGoals),
    );
  });

  it('produces a labelled double round-robin with weekend kick-offs', () => {
    expect(league.competition).toContain('Generated');
    expect(league.matches).toHaveLength(2 * 380);
    expect(new Set(league.matches.map((m) => m.season))).toEqual(
      new Set(['2021-2022', '2022-2023']),
    );
    expect(new Set(league.matches.map((m) => m.id)).size).toBe(760);
    for (const m of league.matches) {
      expect([0, 6]).toContain(new Date(m.kickoff).getUTCDay());
      expect(m.homeTeam).not.toBe(m.awayTeam);
      expect(m.competition).toBe(league.competition);
    }
    const kickoffs = league.matches.map((m) => m.kickoff);
    expect(kickoffs).toEqual([...kickoffs].sort((a, b) => a - b));
    expect(league.truth.teams).toContain('Northbridge Rovers');
    expect(() => simulateLeague({ seed: 1, competition: 'Premier League' })).toThrow(RangeError);
  });

  it('draws goals from the true model', () => {
    const t = league.truth;
    const meanAttack = t.attack.reduce((a, b) => a + b, 0) / t.attack.length;
    expect(meanAttack).toBeCloseTo(0, 12);
    const homeGoals = league.matches.reduce((s, m) => s + m.homeGoals, 0) / 760;
    const awayGoals = league.matches.reduce((s, m) => s + m.awayGoals, 0) / 760;
    // With mean-zero ratings of sd 0.25, E[goals] ~ exp(intercept (+ home) + var) each side.
    expect(homeGoals).toBeGreaterThan(awayGoals + 0.2);
    expect(homeGoals).toBeGreaterThan(1.2);
    expect(homeGoals).toBeLessThan(2.2);
    // The realised home-win rate matches the true probabilities it was drawn from.
    const expectedHomeWins = league.matches.reduce((s, m) => s + m.trueProbabilities.home, 0);
    const homeWins = league.matches.filter((m) => m.homeGoals > m.awayGoals).length;
    expect(Math.abs(homeWins - expectedHomeWins)).toBeLessThan(3 * Math.sqrt(760 * 0.25));
  });

  it('quotes valid prices, closing closer to the truth than opening', () => {
    let openingError = 0;
    let closingError = 0;
    for (const m of league.matches) {
      const { opening, closing } = m.odds;
      for (const book of [
        [opening.home, opening.draw, opening.away],
        [closing.home, closing.draw, closing.away],
        [m.overUnder25.opening.over, m.overUnder25.opening.under],
        [m.bothTeamsToScore.closing.yes, m.bothTeamsToScore.closing.no],
      ]) {
        expect(validateBookSum(book)).toEqual({ ok: true });
      }
      const sumOpen = 1 / opening.home + 1 / opening.draw + 1 / opening.away;
      const sumClose = 1 / closing.home + 1 / closing.draw + 1 / closing.away;
      openingError += Math.abs(1 / opening.home / sumOpen - m.trueProbabilities.home);
      closingError += Math.abs(1 / closing.home / sumClose - m.trueProbabilities.home);
    }
    expect(closingError).toBeLessThan(0.7 * openingError);
  });
});
