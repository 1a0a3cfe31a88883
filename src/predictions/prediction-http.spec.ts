import { upcomingPageJson } from './prediction-http';

describe('upcomingPageJson', () => {
  it('splices stored predictions in as they are, and serialises the unavailable ones', () => {
    const stored = '{"markets":{"matchResult":{"home":0.5,"draw":0.3,"away":0.2}}}';
    const body = upcomingPageJson([
      { matchId: 7, json: stored },
      { matchId: 8, unavailable: 'no model covers Ligue 1 — yet' },
    ]);
    expect(JSON.parse(body)).toEqual([
      { matchId: 7, prediction: JSON.parse(stored) },
      { matchId: 8, unavailable: 'no model covers Ligue 1 — yet' },
    ]);
    expect(body).toContain(stored);
    // ASCII like every served prediction: the dash is escaped.
    expect(/^[\x20-\x7e]*$/.test(body)).toBe(true);
  });

  it('marks frozen items, those made after kick-off, and those that are both', () => {
    const stored = '{"a":1}';
    const frozenAt = '2026-12-05T12:00:00.000Z';
    const body = upcomingPageJson([
      { matchId: 1, json: stored, frozenAt },
      { matchId: 2, json: stored, madeAfterKickoff: true },
      { matchId: 3, json: stored, frozenAt, madeAfterKickoff: true },
    ]);
    expect(JSON.parse(body)).toEqual([
      { matchId: 1, prediction: { a: 1 }, frozenAt },
      { matchId: 2, prediction: { a: 1 }, madeAfterKickoff: true },
      { matchId: 3, prediction: { a: 1 }, frozenAt, madeAfterKickoff: true },
    ]);
  });

  it('gives an empty page as an empty array', () => {
    expect(upcomingPageJson([])).toBe('[]');
  });
});
