import type { MatchInput, MatchPredictor, OutcomeProbabilities } from '../types';
import { DIFFERENCE_SCALE, EloState, type EloParameters } from './fit';
import { orderedLogitProbabilities } from './ordered-logit';

/** Predicts 1X2 from fitted Elo parameters; never mutates them. */
export class EloPredictor implements MatchPredictor {
  constructor(private readonly params: EloParameters) {}

  /** Home-minus-away rating difference (home advantage included) for a fixture, in rating points. */
  ratingDifference(fixture: MatchInput): number {
    // A scratch copy applies new-season regression / new-team priors without touching params.
    return EloState.from(this.params).difference(fixture).difference;
  }

  predict(fixture: MatchInput): OutcomeProbabilities {
    return orderedLogitProbabilities(
      this.params.outcomeModel,
      this.ratingDifference(fixture) / DIFFERENCE_SCALE,
    );
  }
}
