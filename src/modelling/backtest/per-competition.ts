// Fits a model independently per competition (the leagues share no teams, so pooling buys nothing
// for team strengths and costs fit time); predictions dispatch on the fixture's competition.
import type { BacktestModel, FitContext, Fixture, Prediction } from './types';
import type { MatchInput } from '../types';

export type PerCompetitionParameters<P> = Record<string, P>;

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
      const byCompetition = new Map<string, MatchInput[]>();
      for (const c of wanted) byCompetition.set(c, []);
      for (const m of training) byCompetition.get(m.competition)?.push(m);
      const params: PerCompetitionParameters<P> = { ...previous };
      for (const [competition, matches] of byCompetition) {
        const subContext: FitContext = {
          asOf: context.asOf,
          fixtures: context.fixtures.filter((f) => f.competition === competition),
          history: context.history.filter((h) => h.competition === competition),
        };
        params[competition] = model.fit(
          Object.freeze(matches),
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
