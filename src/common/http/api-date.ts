import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Dates the API accepts: beyond these, PostgreSQL or the models have nothing sensible to say. */
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Whether a value is an ISO 8601 date (YYYY-MM-DD) or date-time that exists in the calendar,
 * between 1900 and 9999: `new Date('2024-02-30')` would silently be 1 March, and year 0 or a
 * negative year would reach PostgreSQL as an error.
 */
export function isApiDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = ISO_DATE.exec(value);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  if (Number(parts[4] ?? 0) > 23 || Number(parts[5] ?? 0) > 59 || Number(parts[6] ?? 0) > 59)
    return false;
  return !Number.isNaN(parseApiDate(value));
}

/**
 * The instant of an API date. A date-time without offset is UTC, as a bare date is: Date.parse
 * would read it in the server's own zone, so the same request would answer differently per host.
 */
function parseApiDate(value: string): number {
  const zoneless = value.includes('T') && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(value);
  return Date.parse(zoneless ? `${value}Z` : value);
}

/** The instant of a valid API date (see isApiDate): zoneless date-times are UTC. */
export function apiInstant(value: string): Date {
  return new Date(parseApiDate(value));
}

/**
 * class-transformer's transform for Date-typed query fields: a Date, or an invalid Date that
 * @IsDate() then refuses (rather than a date rolled over into the next month).
 */
export function toApiDate({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  return isApiDate(value) ? apiInstant(value) : new Date(Number.NaN);
}

const REASON = 'must be an ISO 8601 date (YYYY-MM-DD) or date-time that exists, years 1900 to 9999';

/** For string-typed date fields. */
export function IsApiDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isApiDate',
      validator: {
        validate: (value) => isApiDate(value),
        defaultMessage: (args) => `${args?.property} ${REASON}`,
      },
    },
    options,
  );
}

/** @IsDate()'s message for Date-typed fields transformed by toApiDate. */
export const apiDateMessage = (field: string): string => `${field} ${REASON}`;

/** The instant of a date field's value (a Date or an API date string), if it has a valid one. */
function instantOf(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  return isApiDate(value) ? parseApiDate(value) : undefined;
}

/**
 * The end of a window must come after its start (`from`): an inverted window is a mistake, not a
 * request for nothing. Checked only when both are valid dates; their own checks report the rest.
 */
export function IsAfter(startField: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAfter',
      constraints: [startField],
      validator: {
        validate: (value, args) => {
          const end = instantOf(value);
          const start = instantOf((args?.object as Record<string, unknown>)[startField]);
          return end === undefined || start === undefined || end > start;
        },
        defaultMessage: (args) => `${args?.property} must be after ${startField}`,
      },
    },
    options,
  );
}
