// Elo rating updates: expected score, goal-difference multiplier, hyperparameters.

export type GoalDifferenceRule = 'none' | 'world-football' | 'log';

export interface EloHyperparameters {
  /** Update step in rating points per unit of (actual - expected) score. */
  k: number;
  /** Rating points added to the home team; none at neutral venues. */
  homeAdvantage: number;
  /** Rating of every team in a competition's first season (all start equal). */
  initialRating: number;
  /**
   * Rating of a team joining an established competition, relative to the mean rating of the
   * teams that played its previous season. Negative: promoted teams are usually weaker.
   */
  newTeamOffset: number;
  /** Fraction of the distance to the competition mean removed at a team's first match of a new season. */
  seasonRegression: number;
  /**
   * Margin-of-victory multiplier: 'world-football' = 1, 1.5, (11 + gd) / 8 for gd = 1, 2, >= 3;
   * 'log' = ln(1 + gd) scaled to 1 at gd = 1 (FiveThirtyEight style, without autocorrelation term).
   */
  goalDifference: GoalDifferenceRule;
  /** Matches each team must have played before a match is used to fit the ordered logit. */
  logitBurnInMatches: number;
  /** Half-life of the recency weight in the ordered-logit fit, in days; 0 = equal weights. */
  logitHalfLifeDays: number;
}

export const DEFAULT_ELO_HYPERPARAMETERS: EloHyperparameters = {
  k: 20,
  homeAdvantage: 60,
  initialRating: 1500,
  newTeamOffset: -60,
  seasonRegression: 0.2,
  goalDifference: 'world-football',
  logitBurnInMatches: 10,
  logitHalfLifeDays: 0,
};

/** Elo expected score of the home side given the (home-advantage adjusted) rating difference. */
export function expectedScore(difference: number): number {
  return 1 / (1 + Math.pow(10, -difference / 400));
}

export function goalDifferenceMultiplier(rule: GoalDifferenceRule, goalDifference: number): number {
  const gd = Math.abs(goalDifference);
  if (rule === 'none' || gd <= 1) return 1;
  if (rule === 'log') return Math.log1p(gd) / Math.LN2;
  return gd === 2 ? 1.5 : (11 + gd) / 8;
}

/** Rating change of the home team (the away team gets the opposite). */
export function eloUpdate(
  hp: Pick<EloHyperparameters, 'k' | 'goalDifference'>,
  difference: number,
  homeGoals: number,
  awayGoals: number,
): number {
  const actual = homeGoals > awayGoals ? 1 : homeGoals === awayGoals ? 0.5 : 0;
  return (
    hp.k *
    goalDifferenceMultiplier(hp.goalDifference, homeGoals - awayGoals) *
    (actual - expectedScore(difference))
  );
}
