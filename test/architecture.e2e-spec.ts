// Proves the architecture rules in .dependency-cruiser.cjs actually bite, and that the real src/ obeys them.
// Runs the dependency-cruiser CLI (it is ESM-only, and Jest transforms this file to CommonJS) with
// `--output-type json` and inspects the reported violations.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
// the `depcruise` bin, located through the package manifest rather than node_modules/.bin shims
const DEPCRUISE_DIR = join(ROOT, 'node_modules', 'dependency-cruiser');
const DEPCRUISE = join(
  DEPCRUISE_DIR,
  (
    JSON.parse(readFileSync(join(DEPCRUISE_DIR, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    }
  ).bin.depcruise,
);

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: 'error' | 'warn' | 'info' | 'ignore' };
}

interface CruiseResult {
  summary: { error: number; warn: number; violations: Violation[] };
}

function cruise(cwd: string): CruiseResult {
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  // depcruise exits with the number of error-level violations, so only a missing report is a failure
  if (run.error || !run.stdout.trim()) {
    throw new Error(
      `dependency-cruiser produced no report (status ${run.status}): ${run.error ?? run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as CruiseResult;
}

function describeViolations(violations: Violation[]): string[] {
  return violations.map((v) => `${v.rule.severity} ${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('architecture rules (.dependency-cruiser.cjs)', () => {
  describe('on a fixture tree that breaks them', () => {
    let dir: string;
    let violations: Violation[];

    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2023',
          strict: true,
          experimentalDecorators: true,
        },
        include: ['src'],
      }),
      'package.json': JSON.stringify({
        name: 'architecture-fixture',
        private: true,
        dependencies: { '@nestjs/common': '*' },
      }),
      // modelling reaching for Nest and the file system
      'src/modelling/bad.ts': [
        "import { Injectable } from '@nestjs/common';",
        "import { readFileSync } from 'fs';",
        '',
        '@Injectable()',
        'export class BadModel {',
        "  load(): string { return readFileSync('/dev/null', 'utf8'); }",
        '}',
        '',
      ].join('\n'),
      // modelling reaching out of src/modelling
      'src/modelling/leaky.ts': [
        "import { PredictionsService } from '../predictions/x.service';",
        '',
        'export const leak = PredictionsService;',
        '',
      ].join('\n'),
      // allowed: modelling importing modelling
      'src/modelling/types.ts': 'export type Probability = number;\n',
      'src/modelling/good.ts': [
        "import type { Probability } from './types';",
        '',
        'export const half: Probability = 0.5;',
        '',
      ].join('\n'),
      // predictions reaching into the matches module's repository
      'src/predictions/x.service.ts': [
        "import { MatchRepository } from '../matches/match.repository';",
        "import { PredictionRepository } from './prediction.repository';",
        '',
        'export class PredictionsService {',
        '  constructor(',
        '    readonly matches: MatchRepository,',
        '    readonly predictions: PredictionRepository,',
        '  ) {}',
        '}',
        '',
      ].join('\n'),
      // allowed: a module using its own repository
      'src/predictions/prediction.repository.ts': 'export class PredictionRepository {}\n',
      'src/matches/match.repository.ts': 'export class MatchRepository {}\n',
      // allowed: a module using its own repository from a nested folder
      'src/matches/ingestion/importer.ts': [
        "import { MatchRepository } from '../match.repository';",
        '',
        'export const repository = MatchRepository;',
        '',
      ].join('\n'),
    };

    beforeAll(() => {
      dir = mkdtempSync(join(realpathSync(tmpdir()), 'oracxpred-arch-'));
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      // let '@nestjs/common' resolve the way it does in the real project
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      violations = cruise(dir).summary.violations;
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const named = (rule: string): Violation[] => violations.filter((v) => v.rule.name === rule);

    it('reports modelling-is-pure for Nest, fs and imports from outside src/modelling', () => {
      const found = named('modelling-is-pure');
      expect(found.every((v) => v.rule.severity === 'error')).toBe(true);
      const bad = found.filter((v) => v.from === 'src/modelling/bad.ts').map((v) => v.to);
      expect(bad).toEqual(
        expect.arrayContaining([expect.stringMatching(/node_modules\/@nestjs\/common\//), 'fs']),
      );
      expect(found).toContainEqual(
        expect.objectContaining({
          from: 'src/modelling/leaky.ts',
          to: 'src/predictions/x.service.ts',
        }),
      );
      // modelling importing modelling is fine
      expect(found.filter((v) => v.from === 'src/modelling/good.ts')).toEqual([]);
    });

    it("reports no-foreign-repository for another module's repository only", () => {
      const found = named('no-foreign-repository');
      expect(describeViolations(found)).toEqual([
        'error no-foreign-repository: src/predictions/x.service.ts -> src/matches/match.repository.ts',
      ]);
    });
  });

  it('finds no error-level violations in the real src/', () => {
    const { summary } = cruise(ROOT);
    const errors = summary.violations.filter((v) => v.rule.severity === 'error');
    expect(describeViolations(errors)).toEqual([]);
    expect(summary.error).toBe(0);
  });
});
