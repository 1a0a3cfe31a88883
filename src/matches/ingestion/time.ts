// Calendar helpers for the parsers: strict date parsing and the EU summer-time rule, written
// here rather than pulled from a tz library because the only zones the sources use are UK and
// Central European local time, which share one rule since 1996.

/** Zones a source may write its kick-off times in. */
export type SourceTimeZone = 'UTC' | 'Europe/London' | 'Europe/Paris';

const HOUR_MS = 3_600_000;

/** Standard (winter) offset from UTC, in hours. */
const STANDARD_OFFSET: Record<SourceTimeZone, number> = {
  UTC: 0,
  'Europe/London': 0,
  'Europe/Paris': 1,
};

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

/**
 * Years a match can be dated in: the oldest results are from the 1870s. A year outside is a data
 * error, and Date.UTC would even read 0001 as 1901.
 */
export const FIRST_YEAR = 1850;
export const LAST_YEAR = 2100;

/** True when the calendar date exists (rejects 31/02, month 13...) in a year matches are played. */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < FIRST_YEAR || year > LAST_YEAR) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** UTC day of month of the last Sunday of a month. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** EU rule: summer time from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC. */
export function isEuSummerTime(utcMs: number): boolean {
  const year = new Date(utcMs).getUTCFullYear();
  const start = Date.UTC(year, 2, lastSunday(year, 3), 1);
  const end = Date.UTC(year, 9, lastSunday(year, 10), 1);
  return utcMs >= start && utcMs < end;
}

/**
 * Converts a wall-clock time in `zone` to a UTC Date. Kick-offs never fall in the one-hour gaps
 * or overlaps of the clock changes; there, the summer-time reading wins, deterministically.
 */
export function zonedToUtc(local: LocalDateTime, zone: SourceTimeZone): Date {
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second ?? 0,
  );
  if (zone === 'UTC') return new Date(asUtc);
  const standard = asUtc - STANDARD_OFFSET[zone] * HOUR_MS;
  const summer = standard - HOUR_MS;
  return new Date(isEuSummerTime(summer) ? summer : standard);
}

/** Parses `HH:MM` or `HH:MM:SS`; null when malformed or out of range. */
export function parseTime(text: string): { hour: number; minute: number; second: number } | null {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] === undefined ? 0 : Number(match[3]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { hour, minute, second };
}

/** Parses `YYYY-MM-DD`; null when malformed or impossible. */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/**
 * Parses football-data.co.uk's `dd/mm/yyyy` or `dd/mm/yy`. Two-digit years: the archive starts
 * in 1993, so 90-99 are the 1990s and the rest 2000s.
 */
export function parseDayMonthYear(
  text: string,
): { year: number; month: number; day: number } | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text);
  if (!match) return null;
  const day = Number(match[1]);
  const month = Number(match[2]);
  let year = Number(match[3]);
  if (match[3].length === 2) year += year >= 90 ? 1900 : 2000;
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/** `YYYY-MM-DD` of a calendar date. */
export function formatIsoDate(date: { year: number; month: number; day: number }): string {
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return `${date.year}-${mm}-${dd}`;
}
