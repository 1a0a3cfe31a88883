import { execFileSync } from 'node:child_process';
import { isApiDate, toApiDate } from './api-date';

describe('isApiDate', () => {
  it.each([
    '2024-02-29',
    '2023-12-31',
    '1900-01-01',
    '9999-12-31',
    '2024-08-17T15:00:00Z',
    '2024-08-17T15:00',
    '2024-08-17T15:00:00.123+02:00',
  ])('accepts %s', (value) => {
    expect(isApiDate(value)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '2024-02-30',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '0000-01-01',
    '1899-12-31',
    '+010000-01-01',
    '2024-08-17T24:00:00Z',
    '2024-08-17T15:60',
    '17/08/2024',
    '2024-8-17',
    '',
    'today',
  ])('refuses %s', (value) => {
    expect(isApiDate(value)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isApiDate(20240817)).toBe(false);
    expect(isApiDate(new Date())).toBe(false);
  });
});

describe('toApiDate', () => {
  it('turns a valid date into that instant, not a rolled-over one', () => {
    expect((toApiDate({ value: '2024-02-29' }) as Date).toISOString()).toBe(
      '2024-02-29T00:00:00.000Z',
    );
  });

  it('turns a date that does not exist into an invalid Date for @IsDate() to refuse', () => {
    expect(Number.isNaN((toApiDate({ value: '2024-02-30' }) as Date).getTime())).toBe(true);
  });
});

describe('a date-time without offset', () => {
  /**
   * Runs toApiDate and IsAfter in a Node process whose zone is New York: Date.parse reads a
   * date-time without offset in the process's zone, and the API must not depend on the server's.
   */
  function inNewYork(): { instants: string[]; windowErrors: number; instant: string } {
    const script = `
      const { validateSync } = require('class-validator');
      import(${JSON.stringify(require.resolve('./api-date.ts'))}).then(({ apiInstant, toApiDate, IsAfter }) => {
        const at = (value) => toApiDate({ value }).toISOString();
        class Window { from = '2024-08-17T15:00-02:00'; to = '2024-08-17T16:00'; }
        IsAfter('from')(Window.prototype, 'to');
        process.stdout.write(JSON.stringify({
          instants: ['2024-08-17T15:00', '2024-08-17T15:00:30.5', '2024-08-17', '2024-08-17T15:00+0200'].map(at),
          windowErrors: validateSync(new Window()).length,
          // What the services read from string-typed date fields (training windows, filters).
          instant: apiInstant('2024-08-17T15:00').toISOString(),
        }));
      });`;
    const output = execFileSync(process.execPath, ['--no-warnings', '-e', script], {
      env: { ...process.env, TZ: 'America/New_York', NODE_OPTIONS: '' },
      cwd: __dirname,
      encoding: 'utf8',
    });
    return JSON.parse(output) as { instants: string[]; windowErrors: number; instant: string };
  }

  it('is UTC, like a bare date, whatever zone the server runs in', () => {
    expect(inNewYork()).toEqual({
      instants: [
        '2024-08-17T15:00:00.000Z',
        '2024-08-17T15:00:30.500Z',
        '2024-08-17T00:00:00.000Z',
        '2024-08-17T13:00:00.000Z',
      ],
      // 16:00 (UTC) is before 15:00-02:00 (17:00 UTC): read in New York's zone it would pass.
      windowErrors: 1,
      instant: '2024-08-17T15:00:00.000Z',
    });
  });
});
