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
