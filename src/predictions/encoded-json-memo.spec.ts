import { EncodedJsonMemo } from './encoded-json-memo';

const TAG = '"0123456789abcdefghijkl"'; // 24 ASCII characters, as an entity tag

describe('EncodedJsonMemo', () => {
  it("gives the UTF-8 bytes of the value's JSON part", () => {
    const json = '{"team":"Bayern M\\u00fcnchen","p":0.5}';
    const bytes = new EncodedJsonMemo(4).bytesOf('1:v1', TAG + json, TAG.length);
    expect(bytes.toString('utf8')).toBe(json);
  });

  it('encodes a stored value once and hands back the same bytes while it is unchanged', () => {
    const memo = new EncodedJsonMemo(4);
    const value = `${TAG}{"p":0.5}`;
    const first = memo.bytesOf('1:v1', value, TAG.length);
    expect(memo.bytesOf('1:v1', value, TAG.length)).toBe(first);
    // An equal string from elsewhere (a Redis read) reuses them too.
    expect(memo.bytesOf('1:v1', [TAG, '{"p":0.5}'].join(''), TAG.length)).toBe(first);
  });

  it('encodes afresh when the entry was replaced', () => {
    const memo = new EncodedJsonMemo(4);
    const before = memo.bytesOf('1:v1', `${TAG}{"p":0.5}`, TAG.length);
    const after = memo.bytesOf('1:v1', `${TAG}{"p":0.6}`, TAG.length);
    expect(after).not.toBe(before);
    expect(after.toString()).toBe('{"p":0.6}');
  });

  it('keeps at most its capacity, dropping the oldest entry first', () => {
    const memo = new EncodedJsonMemo(2);
    const value = (n: number) => `${TAG}{"n":${n}}`;
    const one = memo.bytesOf('1:v1', value(1), TAG.length);
    const two = memo.bytesOf('2:v1', value(2), TAG.length);
    memo.bytesOf('3:v1', value(3), TAG.length);
    // 1 was dropped (encoded again), 2 is still kept.
    expect(memo.bytesOf('2:v1', value(2), TAG.length)).toBe(two);
    expect(memo.bytesOf('1:v1', value(1), TAG.length)).not.toBe(one);
  });
});
