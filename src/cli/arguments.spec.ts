import { isCommand, misuseOf, parseArgs } from './arguments';

const misuse = (line: string) => misuseOf(parseArgs(line.split(' ')));

describe('CLI command lines', () => {
  it('accepts what each command takes', () => {
    expect(misuse('import E0.csv --format football-data-co-uk --strict')).toBeUndefined();
    expect(misuse('import E0.csv --format=history')).toBeUndefined();
    expect(misuse('create-admin --email a@example.org --password-stdin')).toBeUndefined();
    expect(misuse('migrate')).toBeUndefined();
  });

  it('names an unknown command, option or extra argument', () => {
    expect(misuse('bogus')).toBe('unknown command "bogus"');
    expect(misuse('toString')).toBe('unknown command "toString"');
    expect(misuse('import E0.csv --strickt')).toBe('import: unknown option --strickt');
    expect(misuse('import E0.csv --constructor')).toBe('import: unknown option --constructor');
    expect(misuse('import a.csv b.csv')).toBe('import: unexpected argument "b.csv"');
    expect(misuse('demo extra')).toBe('demo: unexpected argument "extra"');
  });

  it('names a missing argument or option before anything starts', () => {
    expect(misuse('import')).toBe('import needs <path|url>');
    expect(misuse('create-admin')).toBe('create-admin needs --email');
    expect(misuse('create-admin --password-stdin')).toBe('create-admin needs --email');
  });

  it('refuses an option without its value, and a switch given one, instead of ignoring them', () => {
    expect(misuse('import E0.csv --format')).toBe('import: --format needs a value');
    expect(misuse('create-admin --email')).toBe('create-admin: --email needs a value');
    expect(misuse('import E0.csv --strict=yes')).toBe('import: --strict takes no value');
    expect(misuse('create-admin --email a@example.org --password-stdin=x')).toBe(
      'create-admin: --password-stdin takes no value',
    );
  });

  it('knows its commands, and nothing inherited', () => {
    expect(isCommand('import')).toBe(true);
    expect(isCommand('constructor')).toBe(false);
  });
});
