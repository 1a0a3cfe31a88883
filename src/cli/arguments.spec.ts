import { misuseOf, parseArgs } from './arguments';

const misuse = (line: string) => misuseOf(parseArgs(line.split(' ')));

describe('CLI command lines', () => {
  it('accepts what each command takes', () => {
    expect(misuse('import E0.csv --format football-data-co-uk --strict')).toBeUndefined();
    expect(misuse('create-admin --email a@example.org --password-stdin')).toBeUndefined();
    expect(misuse('migrate')).toBeUndefined();
  });

  it('names an unknown command, option or extra argument', () => {
    expect(misuse('bogus')).toBe('unknown command "bogus"');
    expect(misuse('import E0.csv --strickt')).toBe('import: unknown option --strickt');
    expect(misuse('import a.csv b.csv')).toBe('import: unexpected argument "b.csv"');
    expect(misuse('demo extra')).toBe('demo: unexpected argument "extra"');
  });
});
