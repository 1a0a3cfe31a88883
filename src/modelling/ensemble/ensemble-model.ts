// Stacked ensemble: a multinomial logit over the log-probabilities of statistical models and,
// when asked for and available, the market's margin-free (Shin) probabilities. It is trained only
// on the backtester's walk-forward history, i.e. on predictions each made before its match was
// played, so training inputs are distributed like prediction-time inputs. Fixtures without the
// requested odds fall back to a statistical-only logit trained on the same history. With `goals`,
// the market's over/under 2.5 price adds goal-market features (see GoalsFeatures); fixtures
// priced in 1X2 but not in over/under use a market logit without them. With `seasonProgress`,
// every weight (and the home and draw intercepts) also has a term in the fixture's earliness
// (season-progress.ts): the stack learns one mix for a season's first rounds and one for later.
// With `closedDoors`, a 0/1 flag of a match played without crowds (closed-doors.ts) shifts the home
// and draw intercepts: each refit learns the shift from the closed-door rows it has seen.
import { marketProbabilities, type OddsPhase } from '../backtest/market-line';
import { marketGoalsFeatures, type GoalsFeatures } from '../market-scores/features';
import type {
  BacktestModel,
  FitContext,
  Fixture,
  HistoricalPrediction,
  Prediction,
} from '../backtest/types';
import { playedBehindClosedDoors } from '../closed-doors';
import { mirrorOutcome, symmetricAtNeutralVenue } from '../neutral-venue';
import type { OutcomeProbabilities } from '../types';
import {
  conditionalLogitProbabilities,
  fitConditionalLogit,
  rowWidth,
  type ConditionalLogit,
} from './conditional-logit';
import {
  fitMultinomialLogit,
  predictMultinomial,
  type MultinomialLogit,
} from './multinomial-logit';
import { earliness, recentSchedule, scheduleSince, type SeasonSchedule } from './season-progress';

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
  /** Features from the same phase's over/under 2.5 price (only with `market`). */
  goals?: GoalsFeatures;
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
  /** Interacts every source and the home/draw intercepts with the fixture's earliness. */
  seasonProgress?: boolean;
  /** Shifts the home and draw intercepts for matches played behind closed doors. */
  closedDoors?: boolean;
}

type Logit =
  { kind: 'pooled'; model: ConditionalLogit } | { kind: 'full'; model: MultinomialLogit };

export interface EnsembleParameters {
  inputs: string[];
  market?: OddsPhase;
  /** The goal-market features the primary logit reads (absent in parameters stored before). */
  goals?: GoalsFeatures;
  competitions: string[];
  /** Uses the market (and the goal market with `goals`) when the spec has one. */
  primary: Logit;
  /** With `goals`: the market logit for fixtures without over/under prices. */
  marketOnly?: Logit;
  /** Statistical-only logit for fixtures without the market's odds. */
  fallback?: Logit;
  trainingRows: number;
  asOf: number;
  /** With `seasonProgress`: the kick-offs the fixtures' earliness is counted from. */
  schedule?: SeasonSchedule;
  /** Fitted with the closed-doors intercepts (absent in parameters stored before). */
  closedDoors?: true;
}

export const DEFAULT_MIN_TRAINING_ROWS = 300;
const LOG_FLOOR = 1e-6;
/** The schedule that counts the season progress of history rows from this kick-off on. */
type RowSchedule = (kickoff: number) => SeasonSchedule;
const DAY_MS = 86_400_000;
const CLASSES = ['home', 'draw', 'away'] as const;
const LABEL = { home: 0, draw: 1, away: 2 } as const;

/** Which features a logit reads: the market line, and the goal market on top of it. */
interface Variant {
  market: boolean;
  goals: GoalsFeatures | undefined;
}

/** Number of sources (log-probability blocks) and of extra class-specific columns. */
function shape(spec: EnsembleSpec, variant: Variant): { sources: number; extras: number } {
  const goalsSources = variant.goals === 'implied' || variant.goals === 'both' ? 1 : 0;
  const goalsExtras = variant.goals === 'draw-feature' || variant.goals === 'both' ? 1 : 0;
  const sources = spec.inputs.length + (variant.market ? 1 : 0) + goalsSources;
  // The closed-doors flag on the home and the draw intercepts; earliness times each source, then
  // times the home and the draw intercepts.
  const progress = spec.seasonProgress ? sources + 2 : 0;
  return { sources, extras: goalsExtras + progress + (spec.closedDoors ? 2 : 0) };
}

/**
 * Per-source log-probabilities [source][class] followed by the extra columns [extra][class],
 * or undefined when a source is missing. `early`: the fixture's earliness (with seasonProgress).
 */
function sourceLogs(
  spec: EnsembleSpec,
  fixture: Fixture,
  predictions: Readonly<Record<string, Prediction>>,
  variant: Variant,
  early: number,
): Float64Array | undefined {
  const blocks: OutcomeProbabilities[] = [];
  for (const name of spec.inputs) {
    const p = predictions[name];
    if (!p) return undefined;
    blocks.push(p.probabilities);
  }
  if (variant.market) {
    const market = marketProbabilities(fixture, spec.market as OddsPhase);
    if (!market) return undefined;
    blocks.push(market);
  }
  let extra: OutcomeProbabilities | undefined;
  if (variant.goals) {
    const goals = marketGoalsFeatures(fixture, spec.market as OddsPhase);
    if (!goals) return undefined;
    if (variant.goals === 'implied' || variant.goals === 'both') blocks.push(goals.implied);
    if (variant.goals === 'draw-feature' || variant.goals === 'both') {
      extra = { home: 0, draw: goals.overLogit, away: 0 };
    }
  }
  const S = blocks.length * 3;
  const out = new Float64Array(
    S + (extra ? 3 : 0) + (spec.seasonProgress ? S + 6 : 0) + (spec.closedDoors ? 6 : 0),
  );
  blocks.forEach((b, m) =>
    CLASSES.forEach((c, k) => (out[m * 3 + k] = Math.log(Math.max(b[c], LOG_FLOOR)))),
  );
  let at = S;
  if (extra) {
    const e = extra;
    CLASSES.forEach((c, k) => (out[at + k] = e[c]));
    at += 3;
  }
  // Before the earliness columns, so rows past the early season still end in zeros (rowWidth).
  if (spec.closedDoors) {
    if (playedBehindClosedDoors(fixture.competition, fixture.kickoff)) {
      out[at] = 1; // home intercept column: [1, 0, 0]
      out[at + 4] = 1; // draw intercept column: [0, 1, 0]
    }
    at += 6;
  }
  if (spec.seasonProgress) {
    for (let j = 0; j < S; j++) out[at + j] = early * out[j];
    out[at + S] = early; // home intercept column: [early, 0, 0]
    out[at + S + 4] = early; // draw intercept column: [0, early, 0]
  }
  return out;
}

/** Feature layout shared by fit and predict. */
class Layout {
  readonly sources: number;
  /** Class-specific columns after the sources' log-probabilities (weights start at 0). */
  readonly extras: number;
  readonly competitionIndex: Map<string, number>;
  constructor(
    readonly structure: EnsembleStructure,
    shape: { sources: number; extras: number },
    readonly competitions: readonly string[],
  ) {
    this.sources = shape.sources;
    this.extras = shape.extras;
    this.competitionIndex = new Map(competitions.map((c, i) => [c, i]));
  }

  /** Log-probability and extra columns per class. */
  private get columns(): number {
    return this.sources + this.extras;
  }

  /** pooled: features per class; full: features per row. */
  get featureCount(): number {
    const C = this.competitions.length;
    return this.structure === 'pooled' ? this.columns + 2 * C : 3 * this.columns + C;
  }

  /** Writes one row's features (pooled: 3 * featureCount values, class-major). */
  write(out: Float64Array, offset: number, logs: Float64Array, competition: string): void {
    const F = this.featureCount;
    const M = this.columns;
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

/** The sources' predictions seen from the other side (goal totals do not depend on it). */
function mirrorSources(inputs: Readonly<Record<string, Prediction>>): Record<string, Prediction> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, p]) => [
      name,
      { ...p, probabilities: mirrorOutcome(p.probabilities) },
    ]),
  );
}

export function ensembleModel(spec: EnsembleSpec): BacktestModel<EnsembleParameters> {
  const minRows = spec.minTrainingRows ?? DEFAULT_MIN_TRAINING_ROWS;
  const structure = spec.structure ?? 'pooled';
  const withMarket = spec.market !== undefined;
  const goals = withMarket ? spec.goals : undefined;
  const phase = spec.market as OddsPhase;
  const STATISTICAL: Variant = { market: false, goals: undefined };
  const MARKET: Variant = { market: true, goals: undefined };
  const GOALS: Variant = { market: true, goals };
  // History rows are frozen and reused every week: cache their log-probabilities by identity.
  const caches = new Map<string, WeakMap<HistoricalPrediction, Float64Array | null>>();
  // A row's earliness, counted on every match before the fit (which holds the row's season).
  const rowEarliness = new WeakMap<HistoricalPrediction, number>();
  const earlinessOf = (h: HistoricalPrediction, schedule: RowSchedule): number => {
    if (!spec.seasonProgress) return 0;
    let e = rowEarliness.get(h);
    if (e === undefined) rowEarliness.set(h, (e = earliness(schedule(h.kickoff), h.fixture)));
    return e;
  };
  const cachedLogs = (h: HistoricalPrediction, variant: Variant, schedule: RowSchedule) => {
    const key = `${variant.market}/${variant.goals ?? ''}`;
    let cache = caches.get(key);
    if (!cache) caches.set(key, (cache = new WeakMap()));
    let logs = cache.get(h);
    if (logs === undefined) {
      logs = sourceLogs(spec, h.fixture, h.predictions, variant, earlinessOf(h, schedule)) ?? null;
      cache.set(h, logs);
    }
    return logs;
  };

  const fitOne = (
    history: readonly HistoricalPrediction[],
    variant: Variant,
    competitions: readonly string[],
    previous: Logit | undefined,
    schedule: RowSchedule,
  ): { logit: Logit; rows: number } => {
    const layout = new Layout(structure, shape(spec, variant), competitions);
    const prior = layout.prior();
    const size = layout.rowSize();
    const features = new Float64Array(history.length * size);
    const labels = new Uint8Array(history.length);
    // Pooled rows past the early season have their earliness columns all 0: the fit skips them.
    const widths = new Uint16Array(history.length);
    let rows = 0;
    for (const h of history) {
      const logs = cachedLogs(h, variant, schedule);
      if (!logs) continue;
      layout.write(features, rows * size, logs, h.competition);
      if (prior.kind === 'pooled')
        widths[rows] = rowWidth(features, rows * size, prior.model.featureCount);
      labels[rows++] = LABEL[h.outcome];
    }
    if (rows < minRows) return { logit: prior, rows };
    const data = {
      features: features.subarray(0, rows * size),
      labels: labels.subarray(0, rows),
      rows,
      widths: widths.subarray(0, rows),
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

  const hasMarket = (f: Fixture) => marketProbabilities(f, phase) !== undefined;
  const hasGoals = (f: Fixture) => hasMarket(f) && marketGoalsFeatures(f, phase) !== undefined;

  const refitMs = (spec.refitDays ?? 0) * DAY_MS;
  /** A previous fit young enough to keep, with the fallbacks this week's fixtures need. */
  const isFresh = (previous: EnsembleParameters, context: FitContext): boolean => {
    if (context.asOf - previous.asOf >= refitMs || previous.trainingRows < minRows) return false;
    if (!withMarket) return true;
    if (!previous.fallback && !context.fixtures.every(hasMarket)) return false;
    if (
      goals &&
      !previous.marketOnly &&
      !context.fixtures.every((f) => !hasMarket(f) || hasGoals(f))
    )
      return false;
    return true;
  };

  /** Fits a lower tier when some fixture needs it, else keeps the previous one if compatible. */
  const tier = (
    needed: boolean,
    context: FitContext,
    variant: Variant,
    competitions: readonly string[],
    previous: Logit | undefined,
    schedule: RowSchedule,
  ): Logit | undefined =>
    needed ? fitOne(context.history, variant, competitions, previous, schedule).logit : previous;

  return {
    name: spec.name,
    inputs: spec.inputs,
    fit(training, context, previous) {
      // The week's fixtures are counted as scheduled, so a kept fit still gets a fresh schedule.
      const recent = spec.seasonProgress
        ? { schedule: recentSchedule(training, context.fixtures, context.asOf) }
        : {};
      if (previous && isFresh(previous, context))
        return spec.seasonProgress ? { ...previous, ...recent } : previous;
      // Rows come oldest first: one schedule from the first uncounted row on serves them all.
      let built: { since: number; schedule: SeasonSchedule } | undefined;
      const schedule: RowSchedule = (kickoff) => {
        if (!built || kickoff < built.since)
          built = { since: kickoff, schedule: scheduleSince(training, kickoff) };
        return built.schedule;
      };
      const competitions = spec.competitionIntercepts
        ? [...new Set(context.history.map((h) => h.competition))].sort()
        : [];
      // Warm starts are only valid when the feature layout did not change.
      const sameCompetitions =
        previous !== undefined && previous.competitions.join('\n') === competitions.join('\n');
      const warm = (reads: GoalsFeatures | undefined) =>
        sameCompetitions && previous?.goals === reads;
      let readsGoals = goals;
      let primary = fitOne(
        context.history,
        withMarket ? GOALS : STATISTICAL,
        competitions,
        warm(goals) ? previous?.primary : undefined,
        schedule,
      );
      // Fewer history rows priced in over/under than the 1X2 market alone has, and too few to
      // fit (e.g. a service that only recently stores them): read the 1X2 market alone for now.
      if (goals && primary.rows < minRows) {
        const market = fitOne(
          context.history,
          MARKET,
          competitions,
          warm(undefined) ? previous?.primary : undefined,
          schedule,
        );
        if (market.rows > primary.rows) {
          primary = market;
          readsGoals = undefined;
        }
      }
      const fallback = withMarket
        ? tier(
            !context.fixtures.every(hasMarket),
            context,
            STATISTICAL,
            competitions,
            sameCompetitions ? previous?.fallback : undefined,
            schedule,
          )
        : undefined;
      const marketOnly = readsGoals
        ? tier(
            !context.fixtures.every((f) => !hasMarket(f) || hasGoals(f)),
            context,
            MARKET,
            competitions,
            warm(readsGoals) ? previous?.marketOnly : undefined,
            schedule,
          )
        : undefined;
      return {
        inputs: [...spec.inputs],
        ...(spec.market ? { market: spec.market } : {}),
        ...(readsGoals ? { goals: readsGoals } : {}),
        competitions,
        primary: primary.logit,
        ...(marketOnly ? { marketOnly } : {}),
        ...(fallback ? { fallback } : {}),
        trainingRows: primary.rows,
        asOf: context.asOf,
        ...recent,
        ...(spec.closedDoors ? { closedDoors: true as const } : {}),
      };
    },
    predict(params, fixture, inputs) {
      // The features must match the fit's: parameters with a schedule were fitted with them.
      if (!spec.seasonProgress !== !params.schedule) return undefined;
      if (!spec.closedDoors !== !params.closedDoors) return undefined;
      const oriented = (f: Fixture, sources: Readonly<Record<string, Prediction>>) => {
        const early = params.schedule ? earliness(params.schedule, f) : 0;
        const attempt = (logit: Logit | undefined, variant: Variant) => {
          if (!logit) return undefined;
          const logs = sourceLogs(spec, f, sources, variant, early);
          if (!logs) return undefined;
          const layout = new Layout(structure, shape(spec, variant), params.competitions);
          const x = new Float64Array(layout.rowSize());
          layout.write(x, 0, logs, f.competition);
          return probabilities(logit, x);
        };
        if (!withMarket) return attempt(params.primary, STATISTICAL);
        // Parameters stored without `goals` were fitted on the 1X2 market alone.
        const stored: Variant = { market: true, goals: params.goals };
        if (!stored.goals)
          return attempt(params.primary, MARKET) ?? attempt(params.fallback, STATISTICAL);
        return (
          attempt(params.primary, stored) ??
          attempt(params.marketOnly, MARKET) ??
          attempt(params.fallback, STATISTICAL)
        );
      };
      // The intercepts and weights were fitted on home-listed rows, so at a neutral venue both
      // orientations are averaged; the swapped one reads its sources mirrored as well.
      const result = symmetricAtNeutralVenue(fixture, (f, swapped) =>
        oriented(f, swapped ? mirrorSources(inputs) : inputs),
      );
      return result && { probabilities: result };
    },
  };
}
