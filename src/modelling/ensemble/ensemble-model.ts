// Stacked ensemble: a multinomial logit over the log-probabilities of statistical models and,
// when asked for and available, the market's margin-free probabilities. It is trained only on
// the backtester's walk-forward history, i.e. on predictions each made before its match was
// played, so its inputs at training time are distributed like its inputs at prediction time.
import type { BacktestModel, FitContext, Fixture, HistoricalPrediction, Prediction } from '../backtest/types';
import { marketProbabilities, type OddsPhase } from '../backtest/market-line';
import type { OutcomeProbabilities } from '../types';
import {
  fitMultinomialLogit,
  predictMultinomial,
  type MultinomialLogit,
  type TrainingSet,
} from './multinomial-logit';

export interface EnsembleSpec {
  name: string;
  /** Names of the statistical models whose predictions are features. */
  inputs: readonly string[];
  /** Market line used as extra features when the fixture has those odds. */
  market?: OddsPhase;
  /** Strength of the pull towards logarithmic pooling. */
  l2: number;
  /** Adds a per-competition, per-class intercept (penalised by l2 towards 0). */
  competitionIntercepts?: boolean;
  /** Until this many history rows exist the ensemble predicts with its prior (log pooling). */
  minTrainingRows?: number;
}

export interface EnsembleParameters {
  inputs: string[];
  market?: OddsPhase;
  competitions: string[];
  /** Trained on history rows with market odds (or statistical only when market is unset). */
  primary: MultinomialLogit;
  /** Statistical-only logit used when the fixture lacks the market's odds. */
  fallback?: MultinomialLogit;
  trainingRows: number;
  asOf: number;
}

export const DEFAULT_MIN_TRAINING_ROWS = 300;
const LOG_FLOOR = 1e-6;
const CLASSES = ['home', 'draw', 'away'] as const;

function sources(spec: EnsembleSpec, withMarket: boolean): number {
  return spec.inputs.length + (withMarket ? 1 : 0);
}

function featureCount(spec: EnsembleSpec, withMarket: boolean, competitions: number): number {
  return 3 * sources(spec, withMarket) + competitions;
}

/** Prior: logarithmic pooling with equal weights, no competition effects. */
function priorModel(spec: EnsembleSpec, withMarket: boolean, competitions: number): MultinomialLogit {
  const F = featureCount(spec, withMarket, competitions);
  const M = sources(spec, withMarket);
  const weights = CLASSES.map((_, k) => {
    const row = new Array<number>(F).fill(0);
    for (let m = 0; m < M; m++) row[3 * m + k] = 1 / M;
    return row;
  });
  return { featureCount: F, weights, bias: [0, 0, 0] };
}

function writeFeatures(
  out: Float64Array,
  offset: number,
  spec: EnsembleSpec,
  fixture: Fixture,
  predictions: Readonly<Record<string, Prediction>>,
  withMarket: boolean,
  competitionIndex: ReadonlyMap<string, number>,
): boolean {
  const blocks: OutcomeProbabilities[] = [];
  for (const name of spec.inputs) {
    const p = predictions[name];
    if (!p) return false;
    blocks.push(p.probabilities);
  }
  if (withMarket) {
    const market = spec.market ? marketProbabilities(fixture, spec.market) : undefined;
    if (!market) return false;
    blocks.push(market);
  }
  let j = offset;
  for (const b of blocks) {
    for (const c of CLASSES) out[j++] = Math.log(Math.max(b[c], LOG_FLOOR));
  }
  if (spec.competitionIntercepts) {
    for (let c = 0; c < competitionIndex.size; c++) out[j + c] = 0;
    const c = competitionIndex.get(fixture.competition);
    if (c !== undefined) out[j + c] = 1;
  }
  return true;
}

const LABEL = { home: 0, draw: 1, away: 2 } as const;

function trainingSet(
  spec: EnsembleSpec,
  history: readonly HistoricalPrediction[],
  withMarket: boolean,
  competitionIndex: ReadonlyMap<string, number>,
): TrainingSet {
  const F = featureCount(spec, withMarket, spec.competitionIntercepts ? competitionIndex.size : 0);
  const features = new Float64Array(history.length * F);
  const labels = new Uint8Array(history.length);
  let rows = 0;
  for (const h of history) {
    if (writeFeatures(features, rows * F, spec, h.fixture, h.predictions, withMarket, competitionIndex)) {
      labels[rows++] = LABEL[h.outcome];
    }
  }
  return { features: features.subarray(0, rows * F), labels: labels.subarray(0, rows), rows };
}

function sameShape(a: MultinomialLogit | undefined, F: number): MultinomialLogit | undefined {
  return a && a.featureCount === F ? a : undefined;
}

export function ensembleModel(spec: EnsembleSpec): BacktestModel<EnsembleParameters> {
  const minRows = spec.minTrainingRows ?? DEFAULT_MIN_TRAINING_ROWS;
  const withMarket = spec.market !== undefined;

  const fitOne = (
    history: readonly HistoricalPrediction[],
    market: boolean,
    competitionIndex: ReadonlyMap<string, number>,
    previous: MultinomialLogit | undefined,
  ): { model: MultinomialLogit; rows: number } => {
    const C = spec.competitionIntercepts ? competitionIndex.size : 0;
    const prior = priorModel(spec, market, C);
    const data = trainingSet(spec, history, market, competitionIndex);
    if (data.rows < minRows) return { model: prior, rows: data.rows };
    const start = sameShape(previous, prior.featureCount) ?? prior;
    return { model: fitMultinomialLogit(data, prior, spec.l2, start), rows: data.rows };
  };

  return {
    name: spec.name,
    inputs: spec.inputs,
    fit(_training, context: FitContext, previous) {
      const competitions = spec.competitionIntercepts
        ? [...new Set(context.history.map((h) => h.competition))].sort()
        : [];
      // Warm starts are only valid when the feature layout did not change.
      const sameCompetitions =
        previous !== undefined && previous.competitions.join('\n') === competitions.join('\n');
      const index = new Map(competitions.map((c, i) => [c, i]));
      const primary = fitOne(context.history, withMarket, index, sameCompetitions ? previous?.primary : undefined);
      let fallback: MultinomialLogit | undefined;
      if (withMarket) {
        const needed = context.fixtures.some((f) => !marketProbabilities(f, spec.market as OddsPhase));
        fallback = needed
          ? fitOne(context.history, false, index, sameCompetitions ? previous?.fallback : undefined).model
          : sameCompetitions
            ? previous?.fallback
            : undefined;
      }
      return {
        inputs: [...spec.inputs],
        ...(spec.market ? { market: spec.market } : {}),
        competitions,
        primary: primary.model,
        ...(fallback ? { fallback } : {}),
        trainingRows: primary.rows,
        asOf: context.asOf,
      };
    },
    predict(params, fixture, inputs) {
      const index = new Map(params.competitions.map((c, i) => [c, i]));
      const tryModel = (model: MultinomialLogit | undefined, market: boolean) => {
        if (!model) return undefined;
        const x = new Float64Array(model.featureCount);
        if (!writeFeatures(x, 0, spec, fixture, inputs, market, index)) return undefined;
        const [home, draw, away] = predictMultinomial(model, x);
        return { probabilities: { home, draw, away } };
      };
      if (!withMarket) return tryModel(params.primary, false);
      return tryModel(params.primary, true) ?? tryModel(params.fallback, false);
    },
  };
}
