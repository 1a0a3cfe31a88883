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
});
