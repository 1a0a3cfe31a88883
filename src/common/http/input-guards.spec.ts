import { inputProblem, MAX_JSON_DEPTH } from './input-guards';

describe('inputProblem', () => {
  it('names the dotted path of the first string with a NUL', () => {
    expect(inputProblem({ a: 'ok', b: { c: ['x', 'y\0'] } })?.field).toBe('b.c.1');
    expect(inputProblem('a\0')?.field).toBe('body');
  });

  it('names a string with an unpaired surrogate, and lets surrogate pairs through', () => {
    expect(inputProblem({ email: 'a\ud800b' })).toEqual({
      field: 'email',
      reason: expect.stringMatching(/well-formed Unicode/),
    });
    expect(inputProblem({ a: ['x\udc00'] })?.field).toBe('a.0');
    expect(inputProblem({ name: 'goal \u{1F600} \u00e9' })).toBeUndefined();
  });

  it('finds nothing in clean values or in buffers', () => {
    expect(inputProblem({ a: 'ok', b: [1, null, true] })).toBeUndefined();
    expect(inputProblem({ file: Buffer.from([0, 0, 0]) })).toBeUndefined();
  });

  it('counts nesting of arrays and objects, not scalars', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : [nest(levels - 1)]);
    expect(inputProblem(nest(MAX_JSON_DEPTH))).toBeUndefined();
    expect(inputProblem(nest(MAX_JSON_DEPTH + 1))?.reason).toMatch(/levels deep/);
  });

  it('checks a value far deeper than the stack allows without overflowing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(inputProblem(deep)?.field).toBe('body');
  });

  it('names the top-level member that nests too deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { a: deep };
    expect(inputProblem({ ok: [1], email: deep })).toEqual({
      field: 'email',
      reason: expect.stringMatching(/levels deep/),
    });
  });
});
