import { minimiseLbfgs } from './lbfgs';

/** Extended Rosenbrock: sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum 0 at all ones. */
function rosenbrock(x: Float64Array, grad: Float64Array): number {
  grad.fill(0);
  let value = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    value += 100 * a * a + b * b;
    grad[i] += -400 * a * x[i] - 2 * b;
    grad[i + 1] += 200 * a;
  }
  return value;
}

describe('minimiseLbfgs', () => {
  it('finds the minimum of the 2-d Rosenbrock function from the classic start', () => {
    const result = minimiseLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), {
      gradientTolerance: 1e-8,
    });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
    expect(result.gradientNorm).toBeLessThanOrEqual(1e-8);
  });

  it('finds the minimum of the 10-d Rosenbrock function', () => {
    const x0 = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const result = minimiseLbfgs(rosenbrock, x0, { maxIterations: 500, gradientTolerance: 1e-8 });
    expect(result.converged).toBe(true);
    for (const xi of result.x) expect(xi).toBeCloseTo(1, 5);
    // The start vector is not modified.
    expect(x0[0]).toBe(-1.2);
  });

  it('minimises an ill-conditioned quadratic', () => {
    // f(x) = 1/2 sum c_i (x_i - t_i)^2 with condition number 1e4 (SciPy's L-BFGS-B needs ~850
    // iterations with 8 pairs here: a geometric spectrum is the hard case for limited memory).
    const n = 20;
    const c = Float64Array.from({ length: n }, (_, i) => 10 ** ((4 * i) / (n - 1)));
    const t = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const quadratic = (x: Float64Array, grad: Float64Array) => {
      let value = 0;
      for (let i = 0; i < n; i++) {
        const r = x[i] - t[i];
        value += 0.5 * c[i] * r * r;
        grad[i] = c[i] * r;
      }
      return value;
    };
    const result = minimiseLbfgs(quadratic, new Float64Array(n), {
      maxIterations: 2000,
      gradientTolerance: 1e-9,
    });
    expect(result.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(result.x[i]).toBeCloseTo(t[i], 8);
    // With memory >= dimension it behaves like full BFGS and needs far fewer iterations.
    const fullMemory = minimiseLbfgs(quadratic, new Float64Array(n), {
      memory: 40,
      maxIterations: 2000,
      gradientTolerance: 1e-9,
    });
    expect(fullMemory.converged).toBe(true);
    expect(fullMemory.iterations).toBeLessThan(result.iterations);
  });

  it('returns immediately when the start is already optimal', () => {
    const result = minimiseLbfgs(rosenbrock, Float64Array.from([1, 1]));
    expect(result).toMatchObject({ iterations: 0, converged: true, value: 0, evaluations: 1 });
  });

  it('reports non-convergence honestly when the iteration budget is too small', () => {
    const result = minimiseLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 3 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(3);
    expect(result.gradientNorm).toBeGreaterThan(1e-6);
    // It still made progress from f(x0) = 24.2.
    expect(result.value).toBeLessThan(24.2);
  });

  it('survives an objective that overflows far from the optimum', () => {
    // exp(x) - 2x has its minimum at ln 2; a long first step overflows to Infinity.
    const f = (x: Float64Array, grad: Float64Array) => {
      grad[0] = Math.exp(x[0]) - 2;
      return Math.exp(x[0]) - 2 * x[0];
    };
    const result = minimiseLbfgs(f, Float64Array.from([-800]), { gradientTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(Math.LN2, 8);
  });
});
