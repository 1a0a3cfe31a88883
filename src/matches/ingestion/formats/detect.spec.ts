import { readFixture } from '../../../../test/fixtures/shared-data';
import { UnsupportedFormatError } from '../errors';
import { detectFormat, parseAny } from './detect';

const FOOTBALL_DATA =
  'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG\nE0,16/08/2024,20:00,Man United,Fulham,1,0\n';
const HISTORY =
  'Date,country,league,Season,HomeTeam,AwayTeam,FTHG,FTAG,HTHG,HTAG\n' +
  '2024-08-16 21:00:00,england,premier-league,2024-2025,Manchester United,Fulham,1,0,0,0\n';

describe('detectFormat / parseAny', () => {
  it('detects each format from its header', () => {
    expect(detectFormat(FOOTBALL_DATA)).toBe('football-data-co-uk');
    expect(detectFormat(`\uFEFF${FOOTBALL_DATA.replace(/\n/g, '\r\n')}`)).toBe(
      'football-data-co-uk',
    );
    expect(detectFormat(HISTORY)).toBe('history');
    expect(detectFormat(readFixture('international-sample.csv'))).toBe('international');
  });

  it('parses with the detected format, from a string or bytes', () => {
    expect(parseAny(FOOTBALL_DATA).records[0].source).toBe('football-data.co.uk');
    expect(parseAny(Buffer.from(HISTORY)).records[0].source).toBe('history');
    expect(parseAny(readFixture('international-sample.csv')).format).toBe('international');
  });

  it('uses the named format when given, and fails if the file is not of that format', () => {
    expect(parseAny(HISTORY, 'history').format).toBe('history');
    expect(() => parseAny(HISTORY, 'football-data-co-uk')).toThrow(/missing column\(s\) Div/);
    expect(() => parseAny('Div;Date;HomeTeam;AwayTeam\n', 'football-data-co-uk')).toThrow(
      /separated by commas/,
    );
  });

  it.each([
    ['an empty body', '', /empty/],
    ['a blank body', ' \r\n\n', /empty/],
    ['HTML', '<!DOCTYPE html><html><body>Not found</body></html>', /HTML/],
    ['an HTML fragment', '\n  <html lang="en">', /HTML/],
    ['an unknown header', 'id,name,score\n1,a,2\n', /unrecognised header 'id,name,score'/],
    [
      'a semicolon-separated file',
      'Div;Date;HomeTeam;AwayTeam;FTHG;FTAG\nE0;16/08/2024;Man United;Fulham;1;0\n',
      /^the header is one column with semicolons in it: columns must be separated by commas/,
    ],
    [
      'a tab-separated file',
      'Div\tDate\tHomeTeam\tAwayTeam\nE0\t16/08/2024\tMan United\tFulham\n',
      /^the header is one column with tabs in it: columns must be separated by commas/,
    ],
  ])('refuses %s with UnsupportedFormatError', (_label, text, message) => {
    expect(() => parseAny(text)).toThrow(UnsupportedFormatError);
    expect(() => parseAny(text)).toThrow(message);
    expect(() => detectFormat(text)).toThrow(UnsupportedFormatError);
  });

  it('accepts a header-only file as zero records', () => {
    expect(parseAny('Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n')).toMatchObject({
      records: [],
      rowsRead: 0,
    });
  });
});
