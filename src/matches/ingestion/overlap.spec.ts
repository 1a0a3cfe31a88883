// The acceptance check of the parsing layer: the same Premier League matches read from
// football-data.co.uk and from the history files are recognised as one (after alias resolution
// and normalisation), and nothing else is.

import { HISTORY_FILES, readSharedData } from '../../../test/fixtures/shared-data';
import { parseFootballDataCoUk } from './formats/football-data-co-uk';
import { parseHistory } from './formats/history';
import type { MatchRecord } from './match-record';
import { teamKey } from './team-names';

const identity = (record: MatchRecord) =>
  [
    record.competition.code,
    record.kickoff.toISOString().slice(0, 10),
    teamKey(record.homeTeam, record.competition.code),
    teamKey(record.awayTeam, record.competition.code),
  ].join('|');

describe('football-data.co.uk vs history overlap (real files)', () => {
  it('recognises exactly 110 of E0.csv matches in the history files, and 340 as new', () => {
    const history = HISTORY_FILES.flatMap(
      (file) => parseHistory(readSharedData('football', 'history', file)).records,
    );
    const known = new Set(history.map(identity));
    expect(known.size).toBe(32_529); // identities are unique within the history

    const e0 = parseFootballDataCoUk(
      readSharedData('football', 'football-data-co-uk', 'E0.csv'),
    ).records;
    const sc0 = parseFootballDataCoUk(
      readSharedData('football', 'football-data-co-uk', 'SC0.csv'),
    ).records;
    const overlapping = e0.filter((record) => known.has(identity(record)));
    // Every E0 match inside the history's time range must be found (lists the misses if not).
    const historyEnd = new Date('2024-11-11T00:00:00Z');
    const missed = e0.filter(
      (record) => record.kickoff < historyEnd && !known.has(identity(record)),
    );
    expect(missed.map((record) => record.sourceKey)).toEqual([]);
    expect(overlapping.length).toBe(110);
    expect(e0.length - overlapping.length).toBe(340);

    // The overlap is exactly the history's last stretch: 2024-08-16 .. 2024-11-10.
    const days = overlapping.map((record) => record.kickoff.toISOString().slice(0, 10)).sort();
    expect([days[0], days.at(-1)]).toEqual(['2024-08-16', '2024-11-10']);

    expect(sc0.filter((record) => known.has(identity(record)))).toEqual([]);
    const distinct = new Set([...history, ...e0, ...sc0].map(identity));
    expect(distinct.size).toBe(33_140);
  });
});
