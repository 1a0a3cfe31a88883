import { symmetricAtNeutralVenue } from '../neutral-venue';
import type { MatchInput, MatchPredictor, OutcomeProbabilities } from '../types';
import { DIFFERENCE_SCALE, EloState, type EloParameters } from './fit';
import { orderedLogitProbabilities } from './ordered-logit';

/** Predicts 1X2 from fitted Elo parameters; never mutates them. */
export class EloPredictor implements MatchPredictor {
  constructor(private readonly params: EloParameters) {}

  /** Home-minus-away rating difference (home advantage included) for a fixture, in rating points. */
  ratingDifference(fixture: MatchInput): number {
    // A scratch copy applies new-season regression / new-team priors without touching params.
    return EloState.forFixture(this.params, fixture).difference(fixture).difference;
  }

  predict(fixture: MatchInput): OutcomeProbabilities {
    // The cutpoints were fitted on home-listed matches: at d = 0 they are not symmetric.
    return symmetricAtNeutralVenue(fixture, (f) =>
      orderedLogitProbabilities(
        this.params.outcomeModel,
        this.ratingDifference(f) / DIFFERENCE_SCALE,
      ),
    );
  }
}
