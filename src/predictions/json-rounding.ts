/**
 * A JSON-ready copy of `value` with every number rounded to 6 decimals: what
 * `JSON.parse(JSON.stringify(value, round))` gives (Dates become ISO strings, undefined and
 * functions are dropped from objects and become null in arrays, non-finite numbers become null),
 * in one walk instead of a serialise-parse round trip, which was a tenth of the CPU of every
 * computed prediction.
 */
export function roundedForJson<T>(value: T): T {
  return walk(value) as T;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function walk(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? round(value) : null;
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return walk((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      item === undefined || typeof item === 'function' || typeof item === 'symbol'
        ? null
        : walk(item),
    );
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    // A "__proto__" key is data in JSON; assigned, it would set the copy's prototype instead.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: walk(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else copy[key] = walk(item);
  }
  return copy;
}
