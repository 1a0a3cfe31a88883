// Column lookup by header name, so parsers read `row.get('FTHG')` whatever the column order.

import type { CsvRow } from './csv';
import { UnsupportedFormatError } from './errors';

export class CsvHeader {
  readonly names: readonly string[];
  private readonly index = new Map<string, number>();

  constructor(fields: readonly string[]) {
    // A NUL would reach error messages and stored issues, which PostgreSQL refuses.
    this.names = fields.map((name) => name.trim().replaceAll('\0', '\uFFFD'));
    // First occurrence wins: some exports repeat a column name further right.
    this.names.forEach((name, i) => {
      if (name !== '' && !this.index.has(name)) this.index.set(name, i);
    });
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** Position of a column, or -1 when the file has no such column. */
  indexOf(name: string): number {
    return this.index.get(name) ?? -1;
  }

  /** Number of columns up to the last named one (trailing unnamed columns are padding). */
  get namedWidth(): number {
    let width = this.names.length;
    while (width > 0 && this.names[width - 1] === '') width--;
    return width;
  }

  /** Throws UnsupportedFormatError naming the missing columns. */
  require(format: string, columns: readonly string[]): void {
    const missing = columns.filter((column) => !this.has(column));
    if (missing.length > 0) {
      throw new UnsupportedFormatError(
        `not a ${format} file: missing column(s) ${missing.join(', ')}`,
        this.names,
      );
    }
  }

  /** Trimmed cell of a row; undefined when the column does not exist in the file. */
  cell(row: CsvRow, name: string): string | undefined {
    const i = this.index.get(name);
    if (i === undefined) return undefined;
    return (row.fields[i] ?? '').trim();
  }

  /** Trimmed cell, '' when the column or the cell is absent. */
  text(row: CsvRow, name: string): string {
    return this.cell(row, name) ?? '';
  }
}
