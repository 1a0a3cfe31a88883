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

/** What each command takes: its positional arguments and its flags. */
const COMMANDS: Record<string, { positional: number; flags: string[] }> = {
  import: { positional: 1, flags: ['format', 'strict'] },
  migrate: { positional: 0, flags: [] },
  'migration:create': { positional: 0, flags: [] },
  demo: { positional: 0, flags: [] },
  'create-admin': { positional: 0, flags: ['email', 'password-stdin'] },
};

/** Why a command line cannot be right (unknown command, option or extra argument), if it is not. */
export function misuseOf(args: ParsedArgs): string | undefined {
  const command = args.command as string;
  const spec = COMMANDS[command];
  if (!spec) return `unknown command "${command}"`;
  const unknown = Object.keys(args.flags).filter((flag) => !spec.flags.includes(flag));
  if (unknown.length > 0)
    return `${command}: unknown option ${unknown.map((f) => `--${f}`).join(', ')}`;
  const extra = args.positional.slice(spec.positional);
  if (extra.length > 0)
    return `${command}: unexpected argument ${extra.map((a) => `"${a}"`).join(', ')}`;
  return undefined;
}
