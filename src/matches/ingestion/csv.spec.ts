import { decodeText, parseCsv } from './csv';

describe('parseCsv', () => {
  it('splits plain lines with 1-based line numbers, header on line 1', () => {
    expect(parseCsv('a,b\n1,2\n3,4\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('strips a BOM and handles CRLF and CR line ends', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\r\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
    expect(parseCsv('a\r1\r').map((row) => row.fields)).toEqual([['a'], ['1']]);
  });

  it('skips blank and all-empty lines but keeps counting lines', () => {
    const rows = parseCsv('a,b\n\n1,2\n,\n , \n3,4\n\n\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
      { line: 6, fields: ['3', '4'] },
    ]);
  });

  it('keeps empty and trailing empty fields', () => {
    expect(parseCsv('a,,c,,\n').map((row) => row.fields)).toEqual([['a', '', 'c', '', '']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'name,city\n"Smith, J","He said ""hi"""\r\n"multi\nline",x\nlast,"q"';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['name', 'city'] },
      { line: 2, fields: ['Smith, J', 'He said "hi"'] },
      { line: 3, fields: ['multi\nline', 'x'] },
      { line: 5, fields: ['last', 'q'] },
    ]);
  });

  it('handles a quoted file with a BOM, CRLF, an empty last field and no final newline', () => {
    expect(parseCsv('\uFEFF"a","b"\r\n"1",\r\n2,"3"').map((row) => row.fields)).toEqual([
      ['a', 'b'],
      ['1', ''],
      ['2', '3'],
    ]);
  });

  it('returns no rows for empty text', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\n\r\n')).toEqual([]);
  });
});

describe('decodeText', () => {
  it('decodes UTF-8 bytes and strips the BOM', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Div,Málaga', 'utf8'),
    ]);
    expect(decodeText(bytes)).toBe('Div,Málaga');
  });

  it('falls back to Latin-1 for bytes that are not UTF-8', () => {
    expect(decodeText(Buffer.from([0x4d, 0xe1, 0x6c]))).toBe('Mál');
  });

  it('decodes UTF-16 with a BOM, as Excel and Windows PowerShell save text', () => {
    const text = 'Div,Date,HomeTeam\nE0,10/08/2024,Málaga\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(decodeText(le)).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
  });

  it('strips the BOM of a string', () => {
    expect(decodeText('\uFEFFa,b')).toBe('a,b');
  });
});
