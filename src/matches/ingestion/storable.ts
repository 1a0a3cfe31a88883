// The last check before writing: text a record carries into varchar(255) columns. A value too
// long, or holding a NUL, makes PostgreSQL refuse the whole batch (the run would fail on every retry), so the row
// is rejected instead. Parsers check the cells they know first; this catches combinations (a
// source key built from several cells) and columns a format does not limit itself.

import type { MatchRecord, RowIssue } from './match-record';

/** Width of matches.source_key, matches.season, competitions.code and competitions.name. */
export const MAX_STORED_TEXT = 255;

/** Why PostgreSQL would refuse this text in such a column (a NUL, or too long), else undefined. */
export function unstorableText(value: string): string | undefined {
  if (value.includes('\0')) return 'contains a NUL character';
  if (value.length > MAX_STORED_TEXT) return `longer than ${MAX_STORED_TEXT} characters`;
  return undefined;
}

/** Splits records into the storable ones and an error for each of the others. */
export function rejectUnstorable(records: readonly MatchRecord[]): {
  records: MatchRecord[];
  issues: RowIssue[];
} {
  const kept: MatchRecord[] = [];
  const issues: RowIssue[] = [];
  for (const record of records) {
    const fields: Array<[string, string]> = [
      ['source key', record.sourceKey],
      ['season', record.season],
      ['competition code', record.competition.code],
      ['competition name', record.competition.name],
      ['home team', record.homeTeam],
      ['away team', record.awayTeam],
    ];
    const problems = fields.flatMap(([name, value]) => {
      const problem = unstorableText(value);
      return problem ? [`${name} ${problem}`] : [];
    });
    if (problems.length === 0) {
      kept.push(record);
      continue;
    }
    issues.push({
      line: record.line,
      column: null,
      reason: `cannot be stored: ${problems.join(', ')}`,
      severity: 'error',
    });
  }
  return { records: kept, issues };
}
