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
