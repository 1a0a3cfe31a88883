/**
 * The run log's line on the version's backtest: how many held-out matches the model itself
 * predicted, and their RPS. A model whose data all lies within the held-out weeks (a live league
 * a day old) predicted none of them (each week's fit sees only earlier weeks): said so, rather
 * than counting the matches only the market lines priced.
 */
export function evaluationSummary(evaluation: {
  matches: number;
  model?: { outcomes: { count: number; rps: number } };
}): string {
  const predicted = evaluation.model?.outcomes.count ?? 0;
  if (predicted === 0) {
    return (
      `${evaluation.matches} held-out matches, none predicted by the model (no earlier data to ` +
      'fit on before those weeks): no backtest RPS, so no drift baseline'
    );
  }
  return `${predicted} held-out matches predicted, RPS ${evaluation.model!.outcomes.rps.toFixed(4)}`;
}
