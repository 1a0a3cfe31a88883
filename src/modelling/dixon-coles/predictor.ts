import type { MatchInput, MatchPredictor, OutcomeProbabilities } from '../types';
import { matchResult } from '../markets/markets';
import type { ScoreMatrix } from '../markets/score-matrix';
import { DEFAULT_MAX_GOALS } from '../markets/score-matrix';
import { dixonColesScoreMatrix } from './model';
import type { DixonColesParameters } from './model';

/** 1X2 (and full score matrices) from fitted Dixon-Coles parameters. */
export class DixonColesPredictor implements MatchPredictor {
  constructor(
    readonly params: DixonColesParameters,
    private readonly maxGoals = DEFAULT_MAX_GOALS,
  ) {}

  predict(fixture: MatchInput): OutcomeProbabilities {
    return matchResult(this.scoreMatrix(fixture));
  }

  scoreMatrix(fixture: MatchInput): ScoreMatrix {
    return dixonColesScoreMatrix(this.params, fixture, this.maxGoals);
  }
}
