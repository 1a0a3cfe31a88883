import { EARLY_MATCHES, earliness, recentSchedule, seasonSchedule } from './season-progress';

const DAY = 86_400_000;
const t0 = Date.UTC(2022, 7, 6);
let n = 0;
const match = (day: number, homeTeam: string, awayTeam: string, season = '2022-2023') => ({
  id: `m${n++}`,
  kickoff: t0 + day * DAY,
  competition: 'league',
  season,
  homeTeam,
  awayTeam,
});

describe('season progress', () => {
  // A and B play every week; C joins in week 4; the season before, everyone played.
  const before = [match(-500, 'A', 'C', '2021-2022'), match(-490, 'B', 'C', '2021-2022')];
  const season = Array.from({ length: 20 }, (_, w) =>
    w < 3 ? match(7 * w, 'A', 'B') : match(7 * w, w % 2 ? 'A' : 'B', 'C'),
  );
  const schedule = seasonSchedule([...before, ...season]);
  const fixture = match;

  it('counts the matches the less advanced side played in the fixture season before it', () => {
    // The first match: the season before does not count.
    expect(earliness(schedule, fixture(0, 'A', 'B'))).toBe(1);
    expect(earliness(schedule, fixture(7, 'A', 'B'))).toBeCloseTo(1 - 1 / EARLY_MATCHES, 12);
    // By day 36 A has played 5 (weeks 0..3 and 5), C only 3 (weeks 3..5).
    expect(earliness(schedule, fixture(36, 'A', 'C'))).toBeCloseTo(1 - 3 / EARLY_MATCHES, 12);
    // From the tenth match on the season is under way; an unknown side has played none.
    expect(earliness(schedule, fixture(200, 'A', 'B'))).toBe(0);
    expect(earliness(schedule, fixture(200, 'A', 'New'))).toBe(1);
    expect(earliness(schedule, { ...fixture(200, 'A', 'B'), competition: 'other' })).toBe(1);
  });

  it('counts a match listed twice once', () => {
    expect(seasonSchedule([...before, ...season, ...season])).toEqual(schedule);
  });

  it('keeps the recent matches and the scheduled fixtures from asOf on', () => {
    const asOf = t0 + 50 * DAY;
    const played = [...before, ...season.filter((m) => m.kickoff < asOf)];
    const scheduled = season.filter((m) => m.kickoff >= asOf);
    // A fixture given before asOf (already in the matches) is not counted again.
    const recent = recentSchedule(played, [...scheduled, season[0]], asOf);
    expect(recent.league['2021-2022']).toBeUndefined(); // older than the kept window
    for (const f of season) expect(earliness(recent, f)).toBe(earliness(schedule, f));
  });
});
