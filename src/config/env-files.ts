import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** The profile files read for configuration, first one winning: `.env.<NODE_ENV>`, then `.env`. */
export function envFilePaths(nodeEnv: string | undefined): string[] {
  return [`.env.${nodeEnv ?? 'development'}`, '.env'];
}

/**
 * `env` completed from the profile files in `cwd`, as the configuration will see it (real
 * variables win, then the first file): for code that must read settings before the application
 * module loads them, such as tracing, which starts before anything else.
 */
export function withEnvFiles(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): NodeJS.ProcessEnv {
  const fromFiles = envFilePaths(env.NODE_ENV)
    .reverse()
    .map((file) => {
      try {
        return parseEnv(readFileSync(path.resolve(cwd, file), 'utf8'));
      } catch {
        return {}; // absent or unreadable: the configuration skips it too
      }
    });
  return Object.assign({}, ...fromFiles, env) as NodeJS.ProcessEnv;
}
