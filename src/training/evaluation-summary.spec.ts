import { evaluationSummary } from './evaluation-summary';

describe('evaluationSummary (the run log line on a backtest)', () => {
  it('counts the held-out matches the model predicted, with their RPS', () => {
    expect(
      evaluationSummary({ matches: 420, model: { outcomes: { count: 380, rps: 0.19874 } } }),
    ).toBe('380 held-out matches predicted, RPS 0.1987');
  });

  it('says so when the model predicted none of them (all its data in the held-out weeks)', () => {
    for (const evaluation of [
      { matches: 353 },
      { matches: 353, model: { outcomes: { count: 0, rps: Number.NaN } } },
    ]) {
      expect(evaluationSummary(evaluation)).toBe(
        '353 held-out matches, none predicted by the model (no earlier data to fit on before ' +
          'those weeks): no backtest RPS, so no drift baseline',
      );
    }
  });
});
