import { query } from './support/databases';
import { uploadImport, waitForImport } from './support/imports';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Cells that parse but do not fit the tables (goals beyond smallint, names and keys beyond
 * varchar(255)): each such row is rejected with its line, the others commit. Before, PostgreSQL
 * refused the whole batch and the run ended 'failed', retried in vain.
 */

const HEADER = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';
const GOOD = 'E0,02/08/2036,15:00,Liverpool,Everton,1,0,H,0,0,D,2.0,3.5,3.8';

describe('imports: values too large for the tables (PostgreSQL)', () => {
  let testApp: TestApp;
  const matchCount = async () =>
    Number(
      (await query<{ n: string }>(testApp.databaseUrl, 'select count(*) as n from matches'))[0].n,
    );

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  const run = async (rows: string[], fields: Record<string, string> = {}) => {
    const response = await uploadImport(
      testApp.asAdmin,
      [HEADER, ...rows, ''].join('\n'),
      'x.csv',
      fields,
    );
    expect(response.statusCode).toBe(202);
    return waitForImport(testApp.asAdmin, response.json().id, 20_000);
  };
  const errorsOf = (issues: Array<{ line: number; column: string | null; severity: string }>) =>
    issues.filter((i) => i.severity === 'error').map((i) => [i.line, i.column]);

  it('rejects a score beyond any real match, naming line and column', async () => {
    const before = await matchCount();
    const result = await run([
      'E0,01/08/2036,15:00,Arsenal,Chelsea,40000,0,H,0,0,D,2.0,3.5,3.8',
      GOOD,
      'E0,03/08/2036,15:00,Fulham,Wolves,1,1,D,1,99999,A,2.0,3.5,3.8',
    ]);
    expect(result.status).toBe('succeeded');
    expect(errorsOf(result.issues)).toEqual([
      [2, 'FTHG'],
      [4, 'HTAG'],
    ]);
    expect(result.counts).toMatchObject({ rowsRead: 3, rowsRejected: 2, matchesInserted: 1 });
    expect(await matchCount()).toBe(before + 1);
  });

  it('rejects a team name too long to store, and a row whose source key would be', async () => {
    const before = await matchCount();
    const result = await run([
      `E0,01/08/2037,15:00,${'A'.repeat(300)},Chelsea,1,0,H,0,0,D,2.0,3.5,3.8`,
      GOOD.replace('2036', '2037'),
      `${'X'.repeat(300)},03/08/2037,15:00,Fulham,Wolves,1,1,D,0,0,D,2.0,3.5,3.8`,
    ]);
    expect(result.status).toBe('succeeded');
    expect(errorsOf(result.issues)).toEqual([
      [2, 'HomeTeam'],
      [4, 'Div'],
    ]);
    expect(result.counts).toMatchObject({ rowsRead: 3, rowsRejected: 2, matchesInserted: 1 });
    expect(await matchCount()).toBe(before + 1);
  });

  it('rejects a history row whose competition code would be too long', async () => {
    const before = await matchCount();
    const content = [
      'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG',
      `2039-08-01 15:00:00,england,${'x'.repeat(300)},2039-2040,Arsenal,Chelsea,1,0`,
      '2039-08-02 15:00:00,england,premier-league,2039-2040,Liverpool,Everton,1,0',
      '',
    ].join('\n');
    const response = await uploadImport(testApp.asAdmin, content, 'history.csv');
    const result = await waitForImport(testApp.asAdmin, response.json().id, 20_000);
    expect(result.status).toBe('succeeded');
    expect(result.issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: null,
        severity: 'error',
        reason: expect.stringContaining('competition code'),
      }),
    ]);
    expect(result.counts).toMatchObject({ rowsRead: 2, rowsRejected: 1, matchesInserted: 1 });
    expect(await matchCount()).toBe(before + 1);
  });

  it('commits nothing in strict mode when a value does not fit', async () => {
    const before = await matchCount();
    const result = await run(
      [
        'E0,01/08/2038,15:00,Arsenal,Chelsea,40000,0,H,0,0,D,2.0,3.5,3.8',
        GOOD.replace('2036', '2038'),
      ],
      { strict: 'true' },
    );
    expect(result.status).toBe('rejected');
    expect(errorsOf(result.issues)).toEqual([[2, 'FTHG']]);
    expect(await matchCount()).toBe(before);
  });
});
