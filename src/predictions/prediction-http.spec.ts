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

  it('gives an empty page as an empty array', () => {
    expect(upcomingPageJson([])).toBe('[]');
  });
});
