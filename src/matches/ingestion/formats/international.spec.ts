import { readFixture } from '../../../../test/fixtures/shared-data';
import { parseInternational, type InternationalMatchRecord } from './international';

describe('international results parser', () => {
  const result = parseInternational(readFixture('international-sample.csv'));
  const records = result.records as InternationalMatchRecord[];

  it('reads every row of the sample', () => {
    expect(result.issues).toEqual([]);
    expect(result.rowsRead).toBe(22);
    expect(records).toHaveLength(22);
  });

  it('maps tournament, year season, neutral flag and venue', () => {
    const final = records.find((record) => record.sourceKey === '2022-12-18:Argentina:France')!;
    expect(final).toMatchObject({
      source: 'international',
      competition: { code: 'international/fifa-world-cup', name: 'FIFA World Cup', country: null },
      season: '2022',
      kickoff: new Date('2022-12-18T00:00:00Z'),
      neutral: true,
      status: 'finished',
      homeGoals: 3,
      awayGoals: 3,
      homeGoalsHalfTime: null,
      odds: [],
      venue: { city: 'Lusail', country: 'Qatar' },
    });
    expect(records[0]).toMatchObject({ season: '1872', neutral: false, homeTeam: 'Scotland' });
    expect(records.filter((record) => record.neutral)).toHaveLength(15);
  });

  it('reads quoted cities and slugs accented tournaments', () => {
    const miami = records.find((record) => record.sourceKey === '2024-07-14:Argentina:Colombia')!;
    expect(miami.venue.city).toBe('Miami Gardens, Florida');
    expect(miami.competition.code).toBe('international/copa-america');
  });

  it("treats 'NA' scores as a scheduled fixture", () => {
    expect(records.at(-1)).toMatchObject({
      sourceKey: '2026-06-11:Mexico:South Africa',
      status: 'scheduled',
      homeGoals: null,
      awayGoals: null,
    });
  });

  it('rejects bad rows with line and column', () => {
    const bad = parseInternational(
      [
        'date,home_team,away_team,home_score,away_score,tournament,city,country,neutral',
        '2024-06-31,Spain,Italy,1,0,UEFA Euro,Gelsenkirchen,Germany,TRUE',
        '2024-06-20,Spain,Italy,1,NA,UEFA Euro,Gelsenkirchen,Germany,TRUE',
        '2024-06-20,Spain,Italy,1,0,UEFA Euro,Gelsenkirchen,Germany,maybe',
        '2024-06-20,Spain,Italy,1,0,,Gelsenkirchen,Germany,TRUE',
      ].join('\n'),
    );
    expect(bad.records).toEqual([]);
    expect(bad.issues.map(({ line, column }) => [line, column])).toEqual([
      [2, 'date'],
      [3, 'away_score'],
      [4, 'neutral'],
      [5, 'tournament'],
    ]);
  });
});
