// A small RFC 4180 CSV reader, written for speed on the common case (no quotes at all):
// football files are tens of thousands of plain lines, so the quote-aware state machine only
// runs on files that actually contain a double quote.

export interface CsvRow {
  /** 1-based physical line where the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

const BOM = '\uFEFF';

/** Decodes a file's bytes: UTF-16 by its BOM, else UTF-8 (BOM stripped), falling back to Latin-1 for legacy exports. */
export function decodeText(input: string | Uint8Array): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (utf16Encoding(input)) {
    // Excel's "Unicode text" and Windows PowerShell write UTF-16 with a BOM; read as Latin-1 it
    // would be a header of letters and NULs that no format recognises.
    text = new TextDecoder(utf16Encoding(input)).decode(input);
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      // Old spreadsheets exported as Windows-1252/Latin-1: never fail on bytes, decode them.
      text = new TextDecoder('latin1').decode(input);
    }
  }
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** 'utf-16le' or 'utf-16be' when the bytes start with that byte order mark. */
function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Splits CSV text into rows. Handles a UTF-8 BOM, CRLF/LF/CR line ends, quoted fields with
 * commas, doubled quotes and line breaks. Rows whose fields are all empty (blank lines, the
 * `,,,,` lines spreadsheets leave at the end) are skipped, but line numbers keep counting.
 */
export function parseCsv(input: string): CsvRow[] {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  return text.includes('"') ? parseQuoted(text) : parsePlain(text);
}

function parsePlain(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i].split(',');
    if (!isBlank(fields)) rows.push({ line: i + 1, fields });
  }
  return rows;
}

function parseQuoted(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const length = text.length;
  let fields: string[] = [];
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let fieldStart = 0;

  const endRow = () => {
    if (!isBlank(fields)) rows.push({ line: rowLine, fields });
    fields = [];
  };

  while (i <= length) {
    if (i === length) {
      fields.push(text.slice(fieldStart, i));
      endRow();
      break;
    }
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */ && i === fieldStart) {
      // Quoted field: read to the closing quote, unescaping "" and counting embedded newlines.
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close === -1) {
          value += text.slice(j); // unterminated quote: take the rest, as lenient readers do
          line += countNewlines(text, j, length);
          j = length;
          break;
        }
        line += countNewlines(text, j, close);
        value += text.slice(j, close);
        if (text.charCodeAt(close + 1) === 34) {
          value += '"';
          j = close + 2;
        } else {
          j = close + 1;
          break;
        }
      }
      // Anything between the closing quote and the delimiter is kept verbatim (lenient).
      let k = j;
      while (k < length && !isDelimiterOrEol(text.charCodeAt(k))) k++;
      value += text.slice(j, k);
      fields.push(value);
      i = k;
      if (i === length) {
        endRow();
        break;
      }
      const next = text.charCodeAt(i);
      if (next === 44 /* , */) {
        i++;
        fieldStart = i;
        if (i === length) {
          fields.push('');
          endRow();
          break;
        }
        continue;
      }
      i = skipEol(text, i);
      line++;
      endRow();
      rowLine = line;
      fieldStart = i;
      if (i === length) break;
      continue;
    }
    if (ch === 44 /* , */) {
      fields.push(text.slice(fieldStart, i));
      i++;
      fieldStart = i;
      continue;
    }
    if (ch === 10 || ch === 13) {
      fields.push(text.slice(fieldStart, i));
      i = skipEol(text, i);
      line++;
      endRow();
      rowLine = line;
      fieldStart = i;
      if (i === length) break;
      continue;
    }
    i++;
  }
  return rows;
}

function isBlank(fields: string[]): boolean {
  for (const field of fields) if (field.trim() !== '') return false;
  return true;
}

function isDelimiterOrEol(ch: number): boolean {
  return ch === 44 || ch === 10 || ch === 13;
}

function skipEol(text: string, i: number): number {
  return text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 10 || (ch === 13 && text.charCodeAt(k + 1) !== 10)) n++;
  }
  return n;
}
