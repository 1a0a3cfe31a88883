import { isEuSummerTime, parseDayMonthYear, parseIsoDate, parseTime, zonedToUtc } from './time';

const london = (iso: string) => {
  const [date, time] = iso.split(' ');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return zonedToUtc({ year, month, day, hour, minute }, 'Europe/London').toISOString();
};

describe('UK local time to UTC', () => {
  it('subtracts an hour in British Summer Time and nothing in winter', () => {
    expect(london('2024-08-16 20:00')).toBe('2024-08-16T19:00:00.000Z');
    expect(london('2024-12-26 15:00')).toBe('2024-12-26T15:00:00.000Z');
  });

  it('switches on the last Sunday of March and of October', () => {
    // 2025: summer time from Sunday 30 March to Sunday 26 October.
    expect(london('2025-03-29 15:00')).toBe('2025-03-29T15:00:00.000Z');
    expect(london('2025-03-30 14:00')).toBe('2025-03-30T13:00:00.000Z');
    expect(london('2025-10-25 17:30')).toBe('2025-10-25T16:30:00.000Z');
    expect(london('2025-10-26 14:00')).toBe('2025-10-26T14:00:00.000Z');
    // 2009: 29 March and 25 October.
    expect(london('2009-03-28 15:00')).toBe('2009-03-28T15:00:00.000Z');
    expect(london('2009-10-24 15:00')).toBe('2009-10-24T14:00:00.000Z');
    expect(london('2009-10-25 15:00')).toBe('2009-10-25T15:00:00.000Z');
  });

  it('uses the exact 01:00 UTC switch instants', () => {
    expect(isEuSummerTime(Date.UTC(2025, 2, 30, 0, 59))).toBe(false);
    expect(isEuSummerTime(Date.UTC(2025, 2, 30, 1, 0))).toBe(true);
    expect(isEuSummerTime(Date.UTC(2025, 9, 26, 0, 59))).toBe(true);
    expect(isEuSummerTime(Date.UTC(2025, 9, 26, 1, 0))).toBe(false);
  });

  it('converts Central European time one hour further', () => {
    const paris = zonedToUtc(
      { year: 2024, month: 8, day: 16, hour: 21, minute: 0 },
      'Europe/Paris',
    );
    expect(paris.toISOString()).toBe('2024-08-16T19:00:00.000Z');
    const winter = zonedToUtc(
      { year: 2024, month: 11, day: 10, hour: 17, minute: 30 },
      'Europe/Paris',
    );
    expect(winter.toISOString()).toBe('2024-11-10T16:30:00.000Z');
  });
});

describe('date and time parsing', () => {
  it('reads dd/mm/yyyy and dd/mm/yy (90-99 are the 1990s)', () => {
    expect(parseDayMonthYear('16/08/2024')).toEqual({ year: 2024, month: 8, day: 16 });
    expect(parseDayMonthYear('18/08/12')).toEqual({ year: 2012, month: 8, day: 18 });
    expect(parseDayMonthYear('14/08/93')).toEqual({ year: 1993, month: 8, day: 14 });
  });

  it('rejects impossible and malformed dates', () => {
    expect(parseDayMonthYear('31/02/2024')).toBeNull();
    expect(parseDayMonthYear('29/02/2023')).toBeNull();
    expect(parseDayMonthYear('29/02/2024')).not.toBeNull();
    expect(parseDayMonthYear('2024-08-16')).toBeNull();
    expect(parseIsoDate('2024-13-01')).toBeNull();
    expect(parseIsoDate('2024-8-1')).toBeNull();
    expect(parseIsoDate('2024-08-01')).toEqual({ year: 2024, month: 8, day: 1 });
  });

  it('rejects years no football was played in (Date.UTC would read 0001 as 1901)', () => {
    expect(parseDayMonthYear('01/08/0001')).toBeNull();
    expect(parseDayMonthYear('01/08/1066')).toBeNull();
    expect(parseIsoDate('0099-08-01')).toBeNull();
    expect(parseIsoDate('9999-08-01')).toBeNull();
    // The international results start in 1872.
    expect(parseIsoDate('1872-11-30')).toEqual({ year: 1872, month: 11, day: 30 });
    expect(parseDayMonthYear('01/08/2099')).toEqual({ year: 2099, month: 8, day: 1 });
  });

  it('reads times and rejects out-of-range ones', () => {
    expect(parseTime('20:00')).toEqual({ hour: 20, minute: 0, second: 0 });
    expect(parseTime('13:45:30')).toEqual({ hour: 13, minute: 45, second: 30 });
    expect(parseTime('24:00')).toBeNull();
    expect(parseTime('8pm')).toBeNull();
  });
});
