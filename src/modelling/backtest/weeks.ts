const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday, so Monday 1970-01-05 is day 4 since the epoch. */
const EPOCH_MONDAY_OFFSET_DAYS = 3;

/** Monday 00:00 UTC of the calendar week containing `time` (ms since epoch). */
export function weekStart(time: number): number {
  const days = Math.floor(time / DAY_MS);
  const monday = Math.floor((days + EPOCH_MONDAY_OFFSET_DAYS) / 7) * 7 - EPOCH_MONDAY_OFFSET_DAYS;
  return monday * DAY_MS;
}

export const WEEK_MS = 7 * DAY_MS;
