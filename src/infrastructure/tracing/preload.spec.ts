import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** What the real preload prints when run in `cwd` (where the .env files are) with only `env`. */
function preloadOutput(cwd: string, env: Record<string, string>): string {
  const result = spawnSync(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'node_modules', '@swc-node', 'register'),
      path.join(__dirname, 'preload.ts'),
    ],
    { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30000 },
  );
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('tracing preload', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oracxpred-preload-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts tracing for an endpoint set in the profile .env file, as the configuration reads it', () => {
    writeFileSync(
      path.join(dir, '.env.test'),
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n',
    );
    expect(preloadOutput(dir, { NODE_ENV: 'test' })).toContain('tracing to http://127.0.0.1:4318');
  });

  it('lets a real variable win over the files, and the profile file over .env', () => {
    writeFileSync(path.join(dir, '.env'), 'OTEL_EXPORTER_OTLP_ENDPOINT=http://from-dotenv:4318\n');
    writeFileSync(
      path.join(dir, '.env.test'),
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://from-profile:4318\n',
    );
    expect(preloadOutput(dir, { NODE_ENV: 'test' })).toContain(
      'tracing to http://from-profile:4318',
    );
    expect(
      preloadOutput(dir, { NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://real:4318' }),
    ).toContain('tracing to http://real:4318');
  });

  it('stays off when no endpoint is set anywhere', () => {
    expect(preloadOutput(dir, { NODE_ENV: 'test' })).toBe('');
  });
});
