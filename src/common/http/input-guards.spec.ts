import { fieldWithNul, nestsDeeperThan } from './input-guards';

describe('fieldWithNul', () => {
  it('names the dotted path of the first string with a NUL', () => {
    expect(fieldWithNul({ a: 'ok', b: { c: ['x', 'y\0'] } })).toBe('b.c.1');
    expect(fieldWithNul('a\0')).toBe('body');
  });

  it('finds nothing in clean values or in buffers', () => {
    expect(fieldWithNul({ a: 'ok', b: [1, null, true] })).toBeUndefined();
    expect(fieldWithNul({ file: Buffer.from([0, 0, 0]) })).toBeUndefined();
  });
});

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not scalars', () => {
    expect(nestsDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: [[1]] }, 2)).toBe(true);
    expect(nestsDeeperThan('x', 0)).toBe(false);
  });

  it('checks a value far deeper than the stack allows without overflowing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, 32)).toBe(true);
  });
});
