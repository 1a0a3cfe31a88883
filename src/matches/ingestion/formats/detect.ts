// Format detection from the header line, and one entry point that parses any supported file.

import { decodeText, parseCsv } from '../csv';
import { UnsupportedFormatError } from '../errors';
import type { ParseResult } from '../match-record';
import { CsvHeader } from '../table';
import { FOOTBALL_DATA_REQUIRED_COLUMNS, parseFootballDataCoUk } from './football-data-co-uk';
import { HISTORY_REQUIRED_COLUMNS, parseHistory } from './history';
import { INTERNATIONAL_REQUIRED_COLUMNS, parseInternational } from './international';

export type IngestionFormat = 'football-data-co-uk' | 'history' | 'international';

export const INGESTION_FORMATS: readonly IngestionFormat[] = [
  'football-data-co-uk',
  'history',
  'international',
];

const PARSERS: Readonly<Record<IngestionFormat, (text: string) => ParseResult>> = {
  'football-data-co-uk': parseFootballDataCoUk,
  history: parseHistory,
  international: parseInternational,
};

const SIGNATURES: readonly { format: IngestionFormat; columns: readonly string[] }[] = [
  { format: 'football-data-co-uk', columns: FOOTBALL_DATA_REQUIRED_COLUMNS },
  { format: 'history', columns: HISTORY_REQUIRED_COLUMNS },
  { format: 'international', columns: INTERNATIONAL_REQUIRED_COLUMNS },
];

export function isIngestionFormat(value: string): value is IngestionFormat {
  return (INGESTION_FORMATS as readonly string[]).includes(value);
}

/** Names the format from the header; throws UnsupportedFormatError for anything else. */
export function detectFormat(input: string | Uint8Array): IngestionFormat {
  const text = decodeText(input);
  refuseNonCsv(text);
  const header = new CsvHeader(readHeaderFields(text));
  refuseOtherSeparators(header);
  const match = SIGNATURES.find(({ columns }) => columns.every((column) => header.has(column)));
  if (!match) {
    const shown = header.names.slice(0, 8).join(',');
    throw new UnsupportedFormatError(
      `unrecognised header '${shown}${header.names.length > 8 ? ',...' : ''}': expected ` +
        'football-data.co.uk (Div,Date,HomeTeam,AwayTeam,...), history ' +
        '(Date,country,league,...) or international (date,home_team,away_team,...) columns',
      header.names,
    );
  }
  return match.format;
}

/** Parses with the named format, or the detected one. Refuses empty and HTML bodies. */
export function parseAny(input: string | Uint8Array, format?: IngestionFormat): ParseResult {
  const text = decodeText(input);
  if (format === undefined) return PARSERS[detectFormat(text)](text);
  if (!isIngestionFormat(format))
    throw new UnsupportedFormatError(`unknown format '${String(format)}'`);
  refuseNonCsv(text);
  refuseOtherSeparators(new CsvHeader(readHeaderFields(text)));
  return PARSERS[format](text);
}

/**
 * A header read as one column that holds semicolons or tabs is a file saved with another
 * separator (a spreadsheet's regional CSV): say so, rather than quote the whole line as a name.
 */
function refuseOtherSeparators(header: CsvHeader): void {
  if (header.names.length !== 1) return;
  const separator = ([';', '\t'] as const).find((candidate) => header.names[0].includes(candidate));
  if (separator === undefined) return;
  throw new UnsupportedFormatError(
    `the header is one column with ${separator === ';' ? 'semicolons' : 'tabs'} in it: ` +
      'columns must be separated by commas (save the file as comma-separated CSV)',
    header.names,
  );
}

function refuseNonCsv(text: string): void {
  const start = text.trimStart().slice(0, 64).toLowerCase();
  if (start === '') throw new UnsupportedFormatError('empty file: no header and no rows');
  if (start.startsWith('<!doctype') || start.startsWith('<html') || start.startsWith('<')) {
    // Typically an error or login page served instead of the CSV.
    throw new UnsupportedFormatError('received an HTML/XML document, not a CSV file');
  }
}

/** The first non-blank line's fields, without parsing the whole file. */
function readHeaderFields(text: string): string[] {
  const firstLines = text.slice(0, 64 * 1024);
  const [header] = parseCsv(firstLines);
  return header?.fields ?? [];
}
