// The bookmaker's line as a "model": Shin margin removal of the opening or closing 1X2 odds.
import { impliedOutcomeProbabilities } from '../odds/margin';
import type { OutcomeProbabilities } from '../types';
import type { BacktestModel, Fixture } from './types';

export type OddsPhase = 'opening' | 'closing';

// Shin needs a root search; the backtester freezes each match's odds once, so the same object is
// asked about every week (stacked models re-read their whole history). Cache by identity.
const cache = new WeakMap<object, OutcomeProbabilities | null>();

/** Margin-free (Shin) probabilities of the fixture's odds, undefined when missing or rejected. */
export function marketProbabilities(
  fixture: Fixture,
  phase: OddsPhase,
): OutcomeProbabilities | undefined {
  const odds = fixture.odds?.[phase];
  if (!odds) return undefined;
  let p = cache.get(odds);
  if (p === undefined) {
    p = impliedOutcomeProbabilities(odds, 'shin') ?? null;
    cache.set(odds, p);
  }
  return p ?? undefined;
}

export function marketLineModel(phase: OddsPhase, name = `${phase}-line`): BacktestModel<null> {
  return {
    name,
    fit: () => null,
    predict: (_params, fixture) => {
      const probabilities = marketProbabilities(fixture, phase);
      return probabilities ? { probabilities } : undefined;
    },
  };
}
