import { UnsupportedFormatError } from './errors';
import { parseAny } from './formats/detect';
import { rejectNulCells, RowIssues } from './row-checks';

describe('rejectNulCells', () => {
  it('reports every cell holding a NUL by column name (or position past the header)', () => {
    const row = { line: 7, fields: ['E0', 'Arse\0nal', 'ok', '\0'] };
    const issues = new RowIssues(row.line);
    rejectNulCells(row, ['Div', 'HomeTeam', 'AwayTeam'], issues);
    expect(issues.hasErrors).toBe(true);
    expect(issues.issues.map((i) => [i.line, i.column, i.severity])).toEqual([
      [7, 'HomeTeam', 'error'],
      [7, 'column 4', 'error'],
    ]);
    // Later checks may quote the cells: nothing PostgreSQL would refuse is left in them.
    expect(row.fields.join(',')).not.toContain('\0');
    expect(row.fields[1]).toBe('Arse\uFFFDnal');
  });

  it('leaves a clean row alone', () => {
    const row = { line: 2, fields: ['E0', 'Arsenal'] };
    const issues = new RowIssues(row.line);
    rejectNulCells(row, ['Div', 'HomeTeam'], issues);
    expect(issues.issues).toEqual([]);
    expect(row.fields).toEqual(['E0', 'Arsenal']);
  });
});

describe('NUL characters in each format', () => {
  const files: Array<[string, string, string, string]> = [
    [
      'football-data.co.uk',
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG',
      'E0,10/08/2024,Arsenal,Wolves,2,0',
      'E0,11/08/2024,Everton,Brighton,1\0,3',
    ],
    [
      'history',
      'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG',
      '2024-08-10 15:00:00,england,premier-league,2024-2025,Arsenal,Wolves,2,0',
      '2024-08-11 15:00:00,england,premier-league,2024-2025,Everton,Brighton,1\0,3',
    ],
    [
      'international',
      'date,home_team,away_team,home_score,away_score,tournament,city,country,neutral',
      '2024-06-14,Germany,Scotland,5,1,UEFA Euro,Munich,Germany,FALSE',
      '2024-06-15,Spain,Croatia,3\0,0,UEFA Euro,Berlin,Germany,TRUE',
    ],
  ];

  it.each(files)(
    '%s: rejects the row, naming line and column, and keeps the others',
    (_format, header, good, bad) => {
      const result = parseAny([header, good, bad, ''].join('\n'));
      expect(result.records.map((r) => r.line)).toEqual([2]);
      const errors = result.issues.filter((i) => i.severity === 'error');
      expect(errors.map((i) => i.line)).toEqual([3, 3]); // the NUL, then the unreadable score
      expect(errors[0].column).toMatch(/^(FTHG|home_score)$/);
      expect(errors[0].reason).toContain('NUL');
      expect(JSON.stringify(result.issues)).not.toContain('\\u0000');
    },
  );

  it('keeps a NUL in the header out of the refusal message', () => {
    const refuse = () => parseAny('Div\0,Date,HomeTeam,AwayTeam\nE0,10/08/2024,Arsenal,Wolves\n');
    expect(refuse).toThrow(UnsupportedFormatError);
    expect(refuse).not.toThrow(/\0/);
  });
});

describe('football-data.co.uk result letters (FTR, HTR)', () => {
  const header = 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR';
  const parse = (...rows: string[]) => parseAny([header, ...rows, ''].join('\n'));

  it('keeps rows whose letters agree with the goals (or have none)', () => {
    const result = parse(
      'E0,10/08/2024,Arsenal,Wolves,2,0,H,0,0,D',
      'E0,10/08/2024,Everton,Brighton,0,3,A,0,0,',
      'E0,10/08/2024,Fulham,Leeds,1,1,d,0,1,A',
    );
    expect(result.issues).toEqual([]);
    expect(result.records).toHaveLength(3);
  });

  it.each([
    ['E0,10/08/2024,Arsenal,Wolves,1,2,H,0,0,D', 'FTR', "result 'H' contradicts the score 1-2"],
    ['E0,10/08/2024,Arsenal,Wolves,2,2,A,0,0,D', 'FTR', "result 'A' contradicts the score 2-2"],
    ['E0,10/08/2024,Arsenal,Wolves,3,1,H,1,0,D', 'HTR', "result 'D' contradicts the score 1-0"],
    ['E0,10/08/2024,Arsenal,Wolves,3,1,W,1,0,H', 'FTR', "result 'W' is not H, D or A"],
  ])('rejects %s naming %s', (row, column, reason) => {
    const result = parse(row);
    expect(result.records).toEqual([]);
    expect(result.issues).toEqual([{ line: 2, column, reason, severity: 'error' }]);
  });
});

describe('cells quoted in issues', () => {
  const huge = 'x'.repeat(100_000);
  it.each([
    [
      'football-data.co.uk date',
      `Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,${huge},Arsenal,Wolves,2,0`,
    ],
    [
      'football-data.co.uk time',
      `Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,${huge},Arsenal,Wolves,2,0`,
    ],
    ['a score', `Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,Arsenal,Wolves,${huge},0`],
    [
      'a result letter',
      `Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,10/08/2024,Arsenal,Wolves,2,0,${huge}`,
    ],
    [
      'a price',
      `Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,AvgH,AvgD,AvgA\nE0,10/08/2024,Arsenal,Wolves,2,0,2.0,3.5,${huge}`,
    ],
    [
      'a history date',
      `Date,country,league,HomeTeam,AwayTeam,FTHG,FTAG\n${huge},england,premier-league,Arsenal,Wolves,2,0`,
    ],
    [
      'an international date',
      `date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n${huge},France,Spain,1,0,Friendly,Paris,France,FALSE`,
    ],
    [
      'a neutral flag',
      `date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n2024-06-01,France,Spain,1,0,Friendly,Paris,France,${huge}`,
    ],
  ])('are shortened: %s', (_case, text) => {
    // Every issue is stored on the run and listed by GET /v1/imports: not a copy of the file.
    const { issues } = parseAny(text);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.reason.length).toBeLessThan(200);
  });
});
