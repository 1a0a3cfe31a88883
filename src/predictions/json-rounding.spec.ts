import fc from 'fast-check';
import { roundedForJson } from './json-rounding';

/** The definition it replaces: a serialise-parse round trip with a rounding replacer. */
const roundTrip = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v,
    ),
  ) as unknown;

describe('roundedForJson', () => {
  it('rounds numbers to 6 decimals at any depth', () => {
    expect(roundedForJson({ a: 0.123456789, b: [1 / 3, { c: 2 / 3 }] })).toEqual({
      a: 0.123457,
      b: [0.333333, { c: 0.666667 }],
    });
  });

  it('follows JSON for dates, undefined, functions and non-finite numbers', () => {
    const value = {
      at: new Date('2026-11-21T18:00:00.000Z'),
      gone: undefined,
      fn: () => 1,
      list: [undefined, NaN, Infinity, 1.0000004],
    };
    expect(roundedForJson(value)).toEqual(roundTrip(value));
    expect(JSON.stringify(roundedForJson(value))).toBe(JSON.stringify(roundTrip(value)));
  });

  it('keeps a "__proto__" key as data, as JSON does', () => {
    const value = JSON.parse('{"__proto__": {"a": 0.1234567}}') as unknown;
    expect(JSON.stringify(roundedForJson(value))).toBe('{"__proto__":{"a":0.123457}}');
  });

  it('gives exactly what the JSON round trip gives, on arbitrary JSON-like values', () => {
    const leaf = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    // The prediction document is always an object (a bare undefined is not JSON at all).
    fc.assert(
      fc.property(fc.dictionary(fc.string(), tree, { maxKeys: 4 }), (value) => {
        expect(JSON.stringify(roundedForJson(value))).toBe(JSON.stringify(roundTrip(value)));
      }),
      { numRuns: 500 },
    );
  });
});
