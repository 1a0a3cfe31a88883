// Coordinate search over small grids: deterministic and cheap enough to re-run. Each round
// tries every value of each coordinate in turn (others held), keeping any improvement.

export interface SearchStep<P> {
  params: P;
  score: number;
}

export function coordinateSearch<P extends object>(
  start: P,
  grid: { [K in keyof P]?: readonly P[K][] },
  evaluate: (params: P) => number,
  options: { rounds?: number; onStep?: (step: SearchStep<P>) => void } = {},
): SearchStep<P> {
  const cache = new Map<string, number>();
  const score = (params: P) => {
    const key = JSON.stringify(params);
    let s = cache.get(key);
    if (s === undefined) {
      s = evaluate(params);
      cache.set(key, s);
      options.onStep?.({ params, score: s });
    }
    return s;
  };
  let best: SearchStep<P> = { params: start, score: score(start) };
  for (let round = 0; round < (options.rounds ?? 2); round++) {
    let improved = false;
    for (const key of Object.keys(grid) as (keyof P)[]) {
      for (const value of grid[key] ?? []) {
        const candidate = { ...best.params, [key]: value };
        const s = score(candidate);
        if (s < best.score) {
          best = { params: candidate, score: s };
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return best;
}
