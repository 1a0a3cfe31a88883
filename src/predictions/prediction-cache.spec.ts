import { entityTag } from './prediction-cache';

describe('entityTag', () => {
  const prediction = {
    match: { id: 7, homeTeam: { id: 1, name: 'Atlético' } },
    computedAt: '2026-12-05T09:00:00.000Z',
    markets: { matchResult: { home: 0.5, draw: 0.3, away: 0.2 } },
  };

  it('is weak and of fixed length', () => {
    expect(entityTag(prediction)).toMatch(/^W\/"[\w-]{22}"$/);
  });

  it('stays the same when only the moment of computation differs', () => {
    const later = { ...prediction, computedAt: '2026-12-05T10:30:00.000Z' };
    expect(entityTag(later)).toBe(entityTag(prediction));
  });

  it('changes with anything predicted or described', () => {
    const tag = entityTag(prediction);
    const moved = {
      ...prediction,
      markets: { matchResult: { home: 0.51, draw: 0.3, away: 0.19 } },
    };
    const renamed = { ...prediction, match: { id: 7, homeTeam: { id: 1, name: 'Atletico' } } };
    expect(entityTag(moved)).not.toBe(tag);
    expect(entityTag(renamed)).not.toBe(tag);
  });
});
