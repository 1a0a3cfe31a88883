/** The CLI's command line: `<command> [positional...] [--flag [value]]`. */
export interface ParsedArgs {
  command?: string;
  positional: string[];
  flags: Record<string, string | true>;
}

const BOOLEAN_FLAGS = ['--strict', '--password-stdin'];

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) positional.push(arg);
    else if (arg.includes('='))
      flags[arg.slice(2, arg.indexOf('='))] = arg.slice(arg.indexOf('=') + 1);
    else if (
      argv[i + 1] !== undefined &&
      !argv[i + 1].startsWith('--') &&
      !BOOLEAN_FLAGS.includes(arg)
    )
      flags[arg.slice(2)] = argv[++i];
    else flags[arg.slice(2)] = true;
  }
  return { command: positional.shift(), positional, flags };
}

/** A flag with a value (`--format x`) or a switch (`--strict`). */
type FlagKind = 'value' | 'switch';

/** What each command takes: its positional arguments, its flags, and the flags it cannot do without. */
const COMMANDS: Record<
  string,
  { positional: string[]; flags: Record<string, FlagKind>; required?: string[] }
> = {
  import: { positional: ['<path|url>'], flags: { format: 'value', strict: 'switch' } },
  migrate: { positional: [], flags: {} },
  'migration:create': { positional: [], flags: {} },
  demo: { positional: [], flags: {} },
  'create-admin': {
    positional: [],
    flags: { email: 'value', 'password-stdin': 'switch' },
    required: ['email'],
  },
};

export function isCommand(name: string): boolean {
  return Object.hasOwn(COMMANDS, name);
}

/**
 * Why a command line cannot be right (unknown command, option or extra argument, a missing
 * argument or option value), if it is not: checked before anything starts, database included.
 */
export function misuseOf(args: ParsedArgs): string | undefined {
  const command = args.command as string;
  if (!isCommand(command)) return `unknown command "${command}"`;
  const spec = COMMANDS[command];
  const flags = Object.entries(args.flags);
  const unknown = flags.filter(([flag]) => !Object.hasOwn(spec.flags, flag)).map(([flag]) => flag);
  if (unknown.length > 0)
    return `${command}: unknown option ${unknown.map((f) => `--${f}`).join(', ')}`;
  // A value flag given bare, or a switch given a value (--strict=yes), would be silently ignored.
  for (const [flag, value] of flags) {
    if (spec.flags[flag] === 'value' && value === true)
      return `${command}: --${flag} needs a value`;
    if (spec.flags[flag] === 'switch' && value !== true)
      return `${command}: --${flag} takes no value`;
  }
  const missingFlag = spec.required?.find((flag) => !Object.hasOwn(args.flags, flag));
  if (missingFlag) return `${command} needs --${missingFlag}`;
  const extra = args.positional.slice(spec.positional.length);
  if (extra.length > 0)
    return `${command}: unexpected argument ${extra.map((a) => `"${a}"`).join(', ')}`;
  const missing = spec.positional.slice(args.positional.length);
  if (missing.length > 0) return `${command} needs ${missing.join(' ')}`;
  return undefined;
}
