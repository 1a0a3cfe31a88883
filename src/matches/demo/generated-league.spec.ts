import { generatedLeague } from './generated-league';

describe('generatedLeague', () => {
  // One date in every month, the gap between seasons (May to early August) included: the demo
  // data and the e2e tests need fixtures still to play, and results before them, whatever the date.
  const dates = [...Array(12).keys()].flatMap((month) => [
    new Date(Date.UTC(2026, month, 1)),
    new Date(Date.UTC(2026, month, 20)),
  ]);

  it.each(dates.map((d) => [d.toISOString().slice(0, 10), d]))(
    'on %s has played matches and scheduled fixtures ahead',
    (_label, now) => {
      const { records } = generatedLeague(now as Date);
      const scheduled = records.filter((r) => r.status === 'scheduled');
      const finished = records.filter((r) => r.status === 'finished');
      expect(scheduled.length).toBeGreaterThan(0);
      expect(finished.length).toBeGreaterThanOrEqual(2 * 380);
      for (const r of scheduled)
        expect(r.kickoff.getTime()).toBeGreaterThanOrEqual((now as Date).getTime());
      for (const r of finished) expect(r.kickoff.getTime()).toBeLessThan((now as Date).getTime());
    },
  );

  it('generates the same seasons whatever the date: later, the earlier fixtures have results', () => {
    const earlier = generatedLeague(new Date(Date.UTC(2026, 11, 4)));
    const later = generatedLeague(new Date(Date.UTC(2027, 5, 22))); // between seasons
    const byKey = new Map(later.records.map((r) => [r.sourceKey, r]));
    const fixtures = earlier.records.filter((r) => r.status === 'scheduled');
    expect(fixtures.length).toBeGreaterThan(100);
    for (const fixture of fixtures) {
      const played = byKey.get(fixture.sourceKey);
      expect(played?.status).toBe('finished');
      expect(played?.kickoff).toEqual(fixture.kickoff);
      expect([played?.homeTeam, played?.awayTeam]).toEqual([fixture.homeTeam, fixture.awayTeam]);
    }
    for (const match of earlier.records.filter((r) => r.status === 'finished')) {
      expect(byKey.get(match.sourceKey)).toEqual(match);
    }
  });
});
