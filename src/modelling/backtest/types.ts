// Contracts between the walk-forward backtester and the models it drives.
import type { Outcome } from '../metrics/scores';
import type { MatchInput, OutcomeProbabilities } from '../types';

/** A fixture as a model sees it at prediction time: everything but the result. */
export type Fixture = Readonly<Omit<MatchInput, 'homeGoals' | 'awayGoals'>>;

export interface Prediction {
  probabilities: OutcomeProbabilities;
  /** P(total goals > 2.5), for models that give it. */
  over25?: number;
  /** P(both teams score), for models that give it. */
  btts?: number;
}

/** An earlier week's out-of-sample prediction, with the result that is now known. */
export interface HistoricalPrediction {
  readonly matchId: string;
  readonly kickoff: number;
  readonly competition: string;
  readonly season: string;
  readonly outcome: Outcome;
  readonly fixture: Fixture;
  /** Predictions made for this match by the models that ran before it was played. */
  readonly predictions: Readonly<Record<string, Prediction>>;
}

export interface FitContext {
  /** Monday 00:00 UTC of the week to predict; every training match kicked off before it. */
  readonly asOf: number;
  /** The week's fixtures (without results), so a model may restrict work to what it must predict. */
  readonly fixtures: readonly Fixture[];
  /** Walk-forward predictions of earlier weeks of this backtest (all kicked off before asOf). */
  readonly history: readonly HistoricalPrediction[];
}

/**
 * A model the backtester can refit and query. `fit` only ever receives matches with
 * kickoff < context.asOf; `predict` only fixtures without goals.
 */
export interface BacktestModel<P = unknown> {
  readonly name: string;
  /** Models whose predictions for the same fixture this model consumes (they must run first). */
  readonly inputs?: readonly string[];
  fit(training: readonly MatchInput[], context: FitContext, previous: P | undefined): P;
  /** undefined when the model cannot price the fixture (e.g. a market line without odds). */
  predict(
    params: P,
    fixture: Fixture,
    inputs: Readonly<Record<string, Prediction>>,
  ): Prediction | undefined;
}
