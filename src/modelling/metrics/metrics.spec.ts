import { pearsonCorrelation } from './correlation';
import { binaryCalibration, outcomeCalibration } from './calibration';
import {
  binaryBrier,
  binaryLogLoss,
  brierScore,
  logLoss,
  outcomeOf,
  predictedOutcome,
  rankedProbabilityScore,
} from './scores';
import { pairedComparison, summariseBinary, summariseOutcomes } from './summary';

const p = { home: 0.5, draw: 0.3, away: 0.2 };

describe('1X2 scores', () => {
  it('maps goals to outcomes', () => {
    expect(outcomeOf(2, 1)).toBe('home');
    expect(outcomeOf(1, 1)).toBe('draw');
    expect(outcomeOf(0, 3)).toBe('away');
  });

  it('ranked probability score, ordered home < draw < away', () => {
    // home: cumulative forecast (0.5, 0.8) vs observed (1, 1): ((-0.5)^2 + (-0.2)^2) / 2 = 0.29 / 2 = 0.145
    expect(rankedProbabilityScore(p, 'home')).toBeCloseTo(0.145, 12);
    // draw: observed (0, 1): (0.5^2 + (-0.2)^2) / 2 = 0.145
    expect(rankedProbabilityScore(p, 'draw')).toBeCloseTo(0.145, 12);
    // away: observed (0, 0): (0.5^2 + 0.8^2) / 2 = (0.25 + 0.64) / 2 = 0.445
    expect(rankedProbabilityScore(p, 'away')).toBeCloseTo(0.445, 12);
    // a certain correct forecast scores 0; a certain home forecast when away wins scores (1 + 1) / 2 = 1
    expect(rankedProbabilityScore({ home: 0, draw: 0, away: 1 }, 'away')).toBe(0);
    expect(rankedProbabilityScore({ home: 1, draw: 0, away: 0 }, 'away')).toBe(1);
  });

  it('RPS punishes the distant miss more than the near miss (ordering matters)', () => {
    // Both put 0.6 on a wrong outcome when a home win happens: draw-heavy (0.2, 0.6, 0.2) gives
    // ((0.2-1)^2 + (0.8-1)^2)/2 = (0.64+0.04)/2 = 0.34; away-heavy (0.2, 0.2, 0.6) gives
    // ((0.2-1)^2 + (0.4-1)^2)/2 = (0.64+0.36)/2 = 0.5.
    expect(rankedProbabilityScore({ home: 0.2, draw: 0.6, away: 0.2 }, 'home')).toBeCloseTo(
      0.34,
      12,
    );
    expect(rankedProbabilityScore({ home: 0.2, draw: 0.2, away: 0.6 }, 'home')).toBeCloseTo(
      0.5,
      12,
    );
  });

  it('log loss', () => {
    // -ln 0.5 = 0.693147..., -ln 0.2 = 1.609437...
    expect(logLoss(p, 'home')).toBeCloseTo(0.6931471805599453, 12);
    expect(logLoss(p, 'away')).toBeCloseTo(1.6094379124341003, 12);
    // zero probability is clamped at 1e-15: -ln 1e-15 = 34.538776...
    expect(logLoss({ home: 1, draw: 0, away: 0 }, 'draw')).toBeCloseTo(34.538776394910684, 9);
  });

  it('multiclass Brier score', () => {
    // home: (0.5-1)^2 + 0.3^2 + 0.2^2 = 0.25 + 0.09 + 0.04 = 0.38
    expect(brierScore(p, 'home')).toBeCloseTo(0.38, 12);
    // away: 0.5^2 + 0.3^2 + (0.2-1)^2 = 0.25 + 0.09 + 0.64 = 0.98
    expect(brierScore(p, 'away')).toBeCloseTo(0.98, 12);
  });

  it('accuracy picks the most probable outcome, ties to the earlier outcome', () => {
    expect(predictedOutcome(p)).toBe('home');
    expect(predictedOutcome({ home: 0.25, draw: 0.35, away: 0.4 })).toBe('away');
    expect(predictedOutcome({ home: 0.2, draw: 0.4, away: 0.4 })).toBe('draw');
  });

  it('summarises several forecasts', () => {
    const summary = summariseOutcomes([
      { probabilities: p, outcome: 'home' },
      { probabilities: p, outcome: 'away' },
    ]);
    expect(summary.count).toBe(2);
    // RPS (0.145 + 0.445) / 2 = 0.295; Brier (0.38 + 0.98) / 2 = 0.68; accuracy 1/2
    expect(summary.rps).toBeCloseTo(0.295, 12);
    expect(summary.brier).toBeCloseTo(0.68, 12);
    expect(summary.accuracy).toBe(0.5);
    // log loss (0.693147 + 1.609438) / 2 = 1.151293
    expect(summary.logLoss).toBeCloseTo((Math.log(2) + Math.log(5)) / 2, 12);
    // ECE: see the class-wise calibration test below, same data: 0.2
    expect(summary.ece).toBeCloseTo(0.2, 12);
  });
});

describe('calibration', () => {
  it('binary reliability bins and ECE', () => {
    // 10 bins. 0.15, 0.15 fall in bin [0.1, 0.2): mean forecast 0.15, observed 1/2 -> gap 0.35.
    // 0.85, 0.85 fall in bin [0.8, 0.9): mean 0.85, observed 2/2 -> gap 0.15.
    // ECE = (2/4) * 0.35 + (2/4) * 0.15 = 0.175 + 0.075 = 0.25
    const c = binaryCalibration([
      { probability: 0.15, happened: true },
      { probability: 0.15, happened: false },
      { probability: 0.85, happened: true },
      { probability: 0.85, happened: true },
    ]);
    expect(c.bins).toHaveLength(10);
    expect(c.bins[1]).toMatchObject({ count: 2, observedFrequency: 0.5 });
    expect(c.bins[1].meanForecast).toBeCloseTo(0.15, 12);
    expect(c.bins[8]).toMatchObject({ count: 2, observedFrequency: 1 });
    expect(c.expectedCalibrationError).toBeCloseTo(0.25, 12);
  });

  it('puts probability 1 in the last bin', () => {
    const c = binaryCalibration([{ probability: 1, happened: true }]);
    expect(c.bins[9].count).toBe(1);
    expect(c.expectedCalibrationError).toBe(0);
  });

  it('class-wise 1X2 calibration is the mean of the three one-vs-rest ECEs', () => {
    // Same forecast (0.5, 0.3, 0.2) twice, outcomes home and away.
    // home: mean 0.5, observed 1/2 -> 0; draw: mean 0.3, observed 0 -> 0.3;
    // away: mean 0.2, observed 1/2 -> 0.3. ECE = (0 + 0.3 + 0.3) / 3 = 0.2
    const c = outcomeCalibration([
      { probabilities: p, outcome: 'home' },
      { probabilities: p, outcome: 'away' },
    ]);
    expect(c.perOutcome.home.expectedCalibrationError).toBeCloseTo(0, 12);
    expect(c.perOutcome.draw.expectedCalibrationError).toBeCloseTo(0.3, 12);
    expect(c.perOutcome.away.expectedCalibrationError).toBeCloseTo(0.3, 12);
    expect(c.expectedCalibrationError).toBeCloseTo(0.2, 12);
  });
});

describe('binary markets', () => {
  it('Brier, log loss and ECE for over 2.5 style forecasts', () => {
    // (0.6 - 1)^2 = 0.16; (0.6 - 0)^2 = 0.36
    expect(binaryBrier(0.6, true)).toBeCloseTo(0.16, 12);
    expect(binaryBrier(0.6, false)).toBeCloseTo(0.36, 12);
    // -ln 0.6 = 0.510826; -ln 0.4 = 0.916291
    expect(binaryLogLoss(0.6, true)).toBeCloseTo(0.5108256237659907, 12);
    expect(binaryLogLoss(0.6, false)).toBeCloseTo(0.916290731874155, 12);
    // Two forecasts of 0.6 in bin [0.6, 0.7), one happened: observed 0.5, ECE = |0.6 - 0.5| = 0.1
    const s = summariseBinary([
      { probability: 0.6, happened: true },
      { probability: 0.6, happened: false },
    ]);
    expect(s.brier).toBeCloseTo(0.26, 12); // (0.16 + 0.36) / 2
    expect(s.logLoss).toBeCloseTo((0.5108256237659907 + 0.916290731874155) / 2, 12);
    expect(s.ece).toBeCloseTo(0.1, 12);
  });
});

describe('paired comparison', () => {
  it('mean difference and its standard error', () => {
    // d = a - b = (0.5, 0, 1, 1), mean 0.625.
    // deviations (-0.125, -0.625, 0.375, 0.375), squares sum 0.015625 + 0.390625 + 0.140625 * 2 = 0.6875
    // sample variance 0.6875 / 3 = 0.2291667; SE = sqrt(0.2291667 / 4) = sqrt(0.0572917) = 0.2393568
    const c = pairedComparison([1, 2, 3, 4], [0.5, 2, 2, 3]);
    expect(c.count).toBe(4);
    expect(c.meanA).toBeCloseTo(2.5, 12);
    expect(c.meanB).toBeCloseTo(1.875, 12);
    expect(c.meanDifference).toBeCloseTo(0.625, 12);
    expect(c.standardError).toBeCloseTo(Math.sqrt(0.6875 / 3 / 4), 12);
    expect(c.standardError).toBeCloseTo(0.2393568, 6);
    expect(c.z).toBeCloseTo(0.625 / 0.2393568, 5);
  });

  it('rejects unpaired inputs', () => {
    expect(() => pairedComparison([1], [1, 2])).toThrow(/equal lengths/);
  });
});

describe('pearsonCorrelation', () => {
  it('equals the hand-computed value', () => {
    // deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): 5 / sqrt(2 * 114 / 9)
    expect(pearsonCorrelation([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    expect(pearsonCorrelation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(() => pearsonCorrelation([1, 2], [1])).toThrow(RangeError);
  });
});
