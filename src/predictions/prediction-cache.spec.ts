import { asciiJson } from '../common/http/ascii-json';
import { entityTag } from './prediction-cache';

describe('entityTag', () => {
  const prediction = {
    match: { id: 7, homeTeam: { id: 1, name: 'Atlético' } },
    model: { versionId: 'v1' },
    computedAt: '2026-12-05T09:00:00.000Z',
    markets: { matchResult: { home: 0.5, draw: 0.3, away: 0.2 } },
  };
  const tagOf = (value: object) => entityTag(asciiJson(value));

  it('is weak and of fixed length', () => {
    expect(tagOf(prediction)).toMatch(/^W\/"[\w-]{22}"$/);
  });

  it('stays the same when only the moment of computation differs', () => {
    const later = { ...prediction, computedAt: '2026-12-05T10:30:00.000Z' };
    expect(tagOf(later)).toBe(tagOf(prediction));
  });

  it('changes with anything predicted or described', () => {
    const tag = tagOf(prediction);
    const moved = {
      ...prediction,
      markets: { matchResult: { home: 0.51, draw: 0.3, away: 0.19 } },
    };
    const renamed = { ...prediction, match: { id: 7, homeTeam: { id: 1, name: 'Atletico' } } };
    expect(tagOf(moved)).not.toBe(tag);
    expect(tagOf(renamed)).not.toBe(tag);
  });

  it('is not misled by a name that spells the key (quotes in strings are escaped)', () => {
    const named = (name: string, computedAt: string) => ({
      ...prediction,
      match: { id: 7, homeTeam: { id: 1, name } },
      computedAt,
    });
    const trick = '"computedAt":"x"';
    expect(tagOf(named(trick, '2026-12-05T09:00:00.000Z'))).toBe(
      tagOf(named(trick, '2026-12-05T11:00:00.000Z')),
    );
    expect(tagOf(named(trick, '2026-12-05T09:00:00.000Z'))).not.toBe(
      tagOf(named('"computedAt":"y"', '2026-12-05T09:00:00.000Z')),
    );
  });
});
