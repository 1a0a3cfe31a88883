import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The code that trained a model: the package version, plus the commit when the build records it
 * (GIT_COMMIT, set by the image build), e.g. "0.1.0+3f2a9c1".
 */
export function codeVersion(): string {
  if (cached) return cached;
  let dir = __dirname;
  let version = 'unknown';
  // Source and compiled layouts differ in depth: walk up to the package.
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'oracxpred') {
        version = pkg.version ?? version;
        break;
      }
    }
    dir = path.dirname(dir);
  }
  const commit = process.env.GIT_COMMIT?.slice(0, 12);
  cached = commit ? `${version}+${commit}` : version;
  return cached;
}
