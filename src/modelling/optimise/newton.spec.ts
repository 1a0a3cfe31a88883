import {
  minimiseNewton,
  solveSymmetricPositiveDefinite,
  type SecondOrderEvaluation,
} from './newton';

/** f(x) = 1/2 (x - t)' A (x - t) with A = [[4, 1], [1, 3]]. */
function quadratic(t: [number, number]) {
  return (x: Float64Array): SecondOrderEvaluation => {
    const d = [x[0] - t[0], x[1] - t[1]];
    const g = Float64Array.of(4 * d[0] + d[1], d[0] + 3 * d[1]);
    return {
      value: 0.5 * (d[0] * g[0] + d[1] * g[1]),
      gradient: g,
      hessian: Float64Array.of(4, 1, 1, 3),
    };
  };
}

/** log(e^x + e^y + e^(-x-y)) + 0.01 |x|^2: smooth, convex, minimum at 0. */
function logSumExp(x: Float64Array): SecondOrderEvaluation {
  const e = [Math.exp(x[0]), Math.exp(x[1]), Math.exp(-x[0] - x[1])];
  const s = e[0] + e[1] + e[2];
  const p = e.map((v) => v / s);
  // z_k: d(exponent_k)/dx = (1,0), (0,1), (-1,-1); H = sum p_k z_k z_k' - m m'.
  const z = [
    [1, 0],
    [0, 1],
    [-1, -1],
  ];
  const m = [0, 1].map((j) => p.reduce((acc, pk, k) => acc + pk * z[k][j], 0));
  const h = (a: number, b: number) =>
    p.reduce((acc, pk, k) => acc + pk * z[k][a] * z[k][b], 0) - m[a] * m[b] + (a === b ? 0.02 : 0);
  return {
    value: Math.log(s) + 0.01 * (x[0] * x[0] + x[1] * x[1]),
    gradient: Float64Array.of(m[0] + 0.02 * x[0], m[1] + 0.02 * x[1]),
    hessian: Float64Array.of(h(0, 0), h(0, 1), h(1, 0), h(1, 1)),
  };
}

describe('minimiseNewton', () => {
  it('lands on a quadratic minimum in one step and confirms it with the next evaluation', () => {
    const result = minimiseNewton(quadratic([2, -1]), Float64Array.of(10, 10));
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(2, 12);
    expect(result.x[1]).toBeCloseTo(-1, 12);
    expect(result.evaluations).toBe(2);
  });

  it('minimises a convex non-quadratic function from far away (the line search keeps it downhill)', () => {
    const start = Float64Array.of(8, -5);
    const result = minimiseNewton(logSumExp, start);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(0, 7);
    expect(result.x[1]).toBeCloseTo(0, 7);
    expect(start[0]).toBe(8); // the start is not modified
  });

  it('never evaluates outside the feasible set', () => {
    // The minimum is at (2, -1), outside the allowed x1 >= -0.5.
    const seen: number[] = [];
    const f = quadratic([2, -1]);
    const result = minimiseNewton(
      (x) => {
        seen.push(x[1]);
        return f(x);
      },
      Float64Array.of(0, 5),
      { feasible: (x) => x[1] >= -0.5 },
    );
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(-0.5);
    expect(result.x[1]).toBeGreaterThanOrEqual(-0.5);
  });

  it('still moves where the Hessian is singular (a direction the objective ignores)', () => {
    // f(x, y) = (x - 3)^2: y never matters, the Hessian [[2, 0], [0, 0]] is singular.
    const result = minimiseNewton(
      (x) => ({
        value: (x[0] - 3) ** 2,
        gradient: Float64Array.of(2 * (x[0] - 3), 0),
        hessian: Float64Array.of(2, 0, 0, 0),
      }),
      Float64Array.of(-4, 7),
    );
    expect(result.x[0]).toBeCloseTo(3, 9);
    expect(result.x[1]).toBe(7);
  });
});

describe('solveSymmetricPositiveDefinite', () => {
  it('solves a known system and refuses an indefinite matrix', () => {
    // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = (1, -2, 3) gives b = A x = (0, -5, 7).
    const a = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const x = solveSymmetricPositiveDefinite(a, Float64Array.of(0, -5, 7), 3);
    expect(Array.from(x ?? []).map((v) => Number(v.toFixed(12)))).toEqual([1, -2, 3]);
    expect(
      solveSymmetricPositiveDefinite(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2),
    ).toBeUndefined();
  });
});
