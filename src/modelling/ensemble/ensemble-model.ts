// Stacked ensemble: a multinomial logit over the log-probabilities of statistical models and,
// when asked for and available, the market's margin-free (Shin) probabilities. It is trained only
// on the backtester's walk-forward history, i.e. on predictions each made before its match was
// played, so training inputs are distributed like prediction-time inputs. Fixtures without the
// requested odds fall back to a statistical-only logit trained on the same history.
import { marketProbabilities, type OddsPhase } from '../backtest/market-line';
import type {
  BacktestModel,
  FitContext,
  Fixture,
  HistoricalPrediction,
  Prediction,
} from '../backtest/types';
import type { OutcomeProbabilities } from '../types';
import {
  conditionalLogitProbabilities,
  fitConditionalLogit,
  type ConditionalLogit,
} from './conditional-logit';
import {
  fitMultinomialLogit,
  predictMultinomial,
  type MultinomialLogit,
} from './multinomial-logit';

/**
 * 'pooled': one weight per source shared by the three outcomes (log opinion pooling) plus
 * outcome intercepts - few parameters, the default. 'full': a weight per (outcome, feature).
 */
export type EnsembleStructure = 'pooled' | 'full';

export interface EnsembleSpec {
  name: string;
  /** Names of the statistical models whose predictions are features. */
  inputs: readonly string[];
  /** Market line used as extra features when the fixture has those odds. */
  market?: OddsPhase;
  /** Strength of the pull towards equal-weight logarithmic pooling. */
  l2: number;
  structure?: EnsembleStructure;
  /** Adds per-competition home and draw intercepts (penalised by l2 towards 0). */
  competitionIntercepts?: boolean;
  /** Until this many history rows exist the ensemble predicts with its prior (log pooling). */
  minTrainingRows?: number;
  /**
   * Keep the previous fit while it is younger than this many days (0 or absent: refit every
   * time). A stack's few weights barely move in a week of new rows, and each refit reads the
   * whole history, so refitting less often buys a longer history at the same cost.
   */
  refitDays?: number;
}

type Logit =
  { kind: 'pooled'; model: ConditionalLogit } | { kind: 'full'; model: MultinomialLogit };

export interface EnsembleParameters {
  inputs: string[];
  market?: OddsPhase;
  competitions: string[];
  /** Uses the market when the spec has one. */
  primary: Logit;
  /** Statistical-only logit for fixtures without the market's odds. */
  fallback?: Logit;
  trainingRows: number;
  asOf: number;
}

export const DEFAULT_MIN_TRAINING_ROWS = 300;
const LOG_FLOOR = 1e-6;
const DAY_MS = 86_400_000;
const CLASSES = ['home', 'draw', 'away'] as const;
const LABEL = { home: 0, draw: 1, away: 2 } as const;

/** Per-source log-probabilities [source][class], or undefined when a source is missing. */
function sourceLogs(
  spec: EnsembleSpec,
  fixture: Fixture,
  predictions: Readonly<Record<string, Prediction>>,
  withMarket: boolean,
): Float64Array | undefined {
  const blocks: OutcomeProbabilities[] = [];
  for (const name of spec.inputs) {
    const p = predictions[name];
    if (!p) return undefined;
    blocks.push(p.probabilities);
  }
  if (withMarket) {
    const market = marketProbabilities(fixture, spec.market as OddsPhase);
    if (!market) return undefined;
    blocks.push(market);
  }
  const out = new Float64Array(blocks.length * 3);
  blocks.forEach((b, m) =>
    CLASSES.forEach((c, k) => (out[m * 3 + k] = Math.log(Math.max(b[c], LOG_FLOOR)))),
  );
  return out;
}

/** Feature layout shared by fit and predict. */
class Layout {
  readonly sources: number;
  readonly competitionIndex: Map<string, number>;
  constructor(
    readonly structure: EnsembleStructure,
    sources: number,
    readonly competitions: readonly string[],
  ) {
    this.sources = sources;
    this.competitionIndex = new Map(competitions.map((c, i) => [c, i]));
  }

  /** pooled: features per class; full: features per row. */
  get featureCount(): number {
    const C = this.competitions.length;
    return this.structure === 'pooled' ? this.sources + 2 * C : 3 * this.sources + C;
  }

  /** Writes one row's features (pooled: 3 * featureCount values, class-major). */
  write(out: Float64Array, offset: number, logs: Float64Array, competition: string): void {
    const F = this.featureCount;
    const M = this.sources;
    const c = this.competitionIndex.get(competition);
    if (this.structure === 'pooled') {
      for (let k = 0; k < 3; k++) {
        const base = offset + k * F;
        for (let j = 0; j < F; j++) out[base + j] = 0;
        for (let m = 0; m < M; m++) out[base + m] = logs[m * 3 + k];
        if (c !== undefined && k < 2) out[base + M + 2 * c + k] = 1;
      }
    } else {
      for (let j = 0; j < F; j++) out[offset + j] = 0;
      for (let j = 0; j < 3 * M; j++) out[offset + j] = logs[j];
      if (c !== undefined) out[offset + 3 * M + c] = 1;
    }
  }

  rowSize(): number {
    return this.structure === 'pooled' ? 3 * this.featureCount : this.featureCount;
  }

  prior(): Logit {
    const F = this.featureCount;
    const M = this.sources;
    if (this.structure === 'pooled') {
      const coefficients = new Array<number>(F).fill(0);
      for (let m = 0; m < M; m++) coefficients[m] = 1 / M;
      return { kind: 'pooled', model: { featureCount: F, coefficients, bias: [0, 0, 0] } };
    }
    const weights = CLASSES.map((_, k) => {
      const row = new Array<number>(F).fill(0);
      for (let m = 0; m < M; m++) row[3 * m + k] = 1 / M;
      return row;
    });
    return { kind: 'full', model: { featureCount: F, weights, bias: [0, 0, 0] } };
  }
}

function probabilities(logit: Logit, x: Float64Array): OutcomeProbabilities {
  const [home, draw, away] =
    logit.kind === 'pooled'
      ? conditionalLogitProbabilities(logit.model, x)
      : predictMultinomial(logit.model, x);
  return { home, draw, away };
}

export function ensembleModel(spec: EnsembleSpec): BacktestModel<EnsembleParameters> {
  const minRows = spec.minTrainingRows ?? DEFAULT_MIN_TRAINING_ROWS;
  const structure = spec.structure ?? 'pooled';
  const withMarket = spec.market !== undefined;
  // History rows are frozen and reused every week: cache their log-probabilities by identity.
  const caches = [
    new WeakMap<HistoricalPrediction, Float64Array | null>(),
    new WeakMap<HistoricalPrediction, Float64Array | null>(),
  ];
  const cachedLogs = (h: HistoricalPrediction, market: boolean) => {
    const cache = caches[market ? 1 : 0];
    let logs = cache.get(h);
    if (logs === undefined) {
      logs = sourceLogs(spec, h.fixture, h.predictions, market) ?? null;
      cache.set(h, logs);
    }
    return logs;
  };

  const fitOne = (
    history: readonly HistoricalPrediction[],
    market: boolean,
    competitions: readonly string[],
    previous: Logit | undefined,
  ): { logit: Logit; rows: number } => {
    const layout = new Layout(structure, spec.inputs.length + (market ? 1 : 0), competitions);
    const prior = layout.prior();
    const size = layout.rowSize();
    const features = new Float64Array(history.length * size);
    const labels = new Uint8Array(history.length);
    let rows = 0;
    for (const h of history) {
      const logs = cachedLogs(h, market);
      if (!logs) continue;
      layout.write(features, rows * size, logs, h.competition);
      labels[rows++] = LABEL[h.outcome];
    }
    if (rows < minRows) return { logit: prior, rows };
    const data = {
      features: features.subarray(0, rows * size),
      labels: labels.subarray(0, rows),
      rows,
    };
    const start =
      previous &&
      previous.kind === prior.kind &&
      previous.model.featureCount === prior.model.featureCount
        ? previous
        : prior;
    if (prior.kind === 'pooled') {
      const model = fitConditionalLogit(
        data,
        prior.model,
        spec.l2,
        start.model as ConditionalLogit,
      );
      return { logit: { kind: 'pooled', model }, rows };
    }
    const model = fitMultinomialLogit(data, prior.model, spec.l2, start.model as MultinomialLogit);
    return { logit: { kind: 'full', model }, rows };
  };

  const refitMs = (spec.refitDays ?? 0) * DAY_MS;
  /** A previous fit young enough to keep, with the fallback this week's fixtures need. */
  const isFresh = (previous: EnsembleParameters, context: FitContext): boolean => {
    if (context.asOf - previous.asOf >= refitMs || previous.trainingRows < minRows) return false;
    if (!withMarket || previous.fallback) return true;
    return context.fixtures.every((f) => marketProbabilities(f, spec.market as OddsPhase));
  };

  return {
    name: spec.name,
    inputs: spec.inputs,
    fit(_training, context, previous) {
      if (previous && isFresh(previous, context)) return previous;
      const competitions = spec.competitionIntercepts
        ? [...new Set(context.history.map((h) => h.competition))].sort()
        : [];
      // Warm starts are only valid when the feature layout did not change.
      const same =
        previous !== undefined && previous.competitions.join('\n') === competitions.join('\n');
      const primary = fitOne(
        context.history,
        withMarket,
        competitions,
        same ? previous?.primary : undefined,
      );
      let fallback: Logit | undefined;
      if (withMarket) {
        const needed = context.fixtures.some(
          (f) => !marketProbabilities(f, spec.market as OddsPhase),
        );
        fallback = needed
          ? fitOne(context.history, false, competitions, same ? previous?.fallback : undefined)
              .logit
          : same
            ? previous?.fallback
            : undefined;
      }
      return {
        inputs: [...spec.inputs],
        ...(spec.market ? { market: spec.market } : {}),
        competitions,
        primary: primary.logit,
        ...(fallback ? { fallback } : {}),
        trainingRows: primary.rows,
        asOf: context.asOf,
      };
    },
    predict(params, fixture, inputs) {
      const attempt = (logit: Logit | undefined, market: boolean) => {
        if (!logit) return undefined;
        const logs = sourceLogs(spec, fixture, inputs, market);
        if (!logs) return undefined;
        const layout = new Layout(
          structure,
          spec.inputs.length + (market ? 1 : 0),
          params.competitions,
        );
        const x = new Float64Array(layout.rowSize());
        layout.write(x, 0, logs, fixture.competition);
        return { probabilities: probabilities(logit, x) };
      };
      if (!withMarket) return attempt(params.primary, false);
      return attempt(params.primary, true) ?? attempt(params.fallback, false);
    },
  };
}
