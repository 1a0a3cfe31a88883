import fc from 'fast-check';
import { asciiJson } from './ascii-json';

describe('asciiJson', () => {
  it('escapes non-ASCII characters, astral ones as surrogate pairs', () => {
    expect(asciiJson({ summary: 'expected goals 1.13–2.07', team: 'Atlético', ball: '⚽' })).toBe(
      '{"summary":"expected goals 1.13\\u20132.07","team":"Atl\\u00e9tico","ball":"\\u26bd"}',
    );
    expect(asciiJson('𝔸')).toBe('"\\ud835\\udd38"');
  });

  it('parses back to what JSON.stringify gives, and is ASCII only', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const document = { value, text };
        const json = asciiJson(document);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(document)));
        expect([...json].every((character) => character.charCodeAt(0) < 0x80)).toBe(true);
      }),
    );
  });
});
