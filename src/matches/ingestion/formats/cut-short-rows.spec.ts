import { parseFootballDataCoUk } from './football-data-co-uk';
import { parseHistory } from './history';
import { parseInternational } from './international';

// A row cut short before its score columns must not be read as a fixture still to be played.
describe('rows cut short before their score columns', () => {
  it('football-data.co.uk: rejected naming FTHG, the whole rows beside it kept', () => {
    const result = parseFootballDataCoUk(
      [
        'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR',
        'E0,16/08/2024,20:00,Man United,Fulham,1,0,H',
        'E0,17/08/2024,12:30,Ipswich,Liverpool',
        'E0,24/08/2024,15:00,Arsenal,Wolves,,,',
      ].join('\n'),
    );
    expect(result.records.map((record) => [record.line, record.status])).toEqual([
      [2, 'finished'],
      [4, 'scheduled'],
    ]);
    expect(result.issues).toEqual([
      {
        line: 3,
        column: 'FTHG',
        severity: 'error',
        reason: 'row has 5 field(s) but the header 8 columns: cut short before FTHG',
      },
    ]);
  });

  it('history: rejected naming the first score column it lacks', () => {
    const result = parseHistory(
      [
        'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG',
        '2024-08-16 20:00:00,england,premier-league,2024-2025,Manchester United,Fulham',
      ].join('\n'),
    );
    expect(result.records).toEqual([]);
    expect(result.issues.map(({ line, column }) => [line, column])).toEqual([[2, 'FTHG']]);
  });

  it('international: rejected naming home_score', () => {
    const result = parseInternational(
      [
        'date,home_team,away_team,home_score,away_score,tournament,city,country,neutral',
        '2024-06-20,Spain,Italy',
      ].join('\n'),
    );
    expect(result.records).toEqual([]);
    expect(result.issues.map(({ line, column }) => [line, column])).toContainEqual([
      2,
      'home_score',
    ]);
  });
});
