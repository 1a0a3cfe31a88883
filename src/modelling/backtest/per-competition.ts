// Fits a model independently per competition (the leagues share no teams, so pooling buys nothing
// for team strengths and costs fit time); predictions dispatch on the fixture's competition.
import type { BacktestModel, FitContext, Fixture, Prediction } from './types';
import type { MatchInput } from '../types';

export type PerCompetitionParameters<P> = Record<string, P>;

// The backtester hands every model the same frozen arrays each week; several per-competition
// models split them the same way, so the split is cached by array identity.
const splits = new WeakMap<readonly object[], Map<string, readonly object[]>>();

function split<T extends { competition: string }>(items: readonly T[]): Map<string, readonly T[]> {
  let groups = splits.get(items) as Map<string, T[]> | undefined;
  if (!groups) {
    groups = new Map<string, T[]>();
    for (const item of items) {
      const list = groups.get(item.competition);
      if (list) list.push(item);
      else groups.set(item.competition, [item]);
    }
    for (const list of groups.values()) Object.freeze(list);
    if (Object.isFrozen(items)) splits.set(items, groups);
  }
  return groups;
}

export function perCompetition<P>(
  model: BacktestModel<P>,
  name = model.name,
): BacktestModel<PerCompetitionParameters<P>> {
  return {
    name,
    inputs: model.inputs,
    fit(training: readonly MatchInput[], context: FitContext, previous) {
      // Only competitions with fixtures this week are refitted; the others keep their last fit.
      const wanted = new Set(context.fixtures.map((f) => f.competition));
      const byCompetition = split(training);
      const history = split(context.history);
      const params: PerCompetitionParameters<P> = { ...previous };
      for (const competition of wanted) {
        const subContext: FitContext = {
          asOf: context.asOf,
          fixtures: context.fixtures.filter((f) => f.competition === competition),
          history: history.get(competition) ?? [],
        };
        params[competition] = model.fit(
          byCompetition.get(competition) ?? Object.freeze([]),
          subContext,
          previous?.[competition],
        );
      }
      return params;
    },
    predict(params, fixture: Fixture, inputs): Prediction | undefined {
      const p = params[fixture.competition];
      return p === undefined ? undefined : model.predict(p, fixture, inputs);
    },
  };
}
