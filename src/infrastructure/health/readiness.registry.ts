import { Injectable } from '@nestjs/common';
import { withTimeout } from '../../common/async/with-timeout';

/**
 * One readiness check: resolves (optionally with details to show, e.g. `{ backend: 'bull' }`)
 * when the dependency is usable, throws when it is not. "Nothing to check yet" is a success with
 * details saying so (e.g. `{ champion: 'none yet' }`), not a failure.
 */
export type ReadinessCheck = () => Promise<Record<string, unknown> | void>;

export interface CheckOutcome {
  name: string;
  status: 'up' | 'down';
  durationMs: number;
  details: Record<string, unknown>;
}

/** A check that has not answered by then counts as down: a probe must never hang. */
export const CHECK_TIMEOUT_MS = 2000;

/**
 * The readiness checks, contributed by the modules that own each dependency (database, Redis,
 * queue, champion model, ...), and the shutdown flag: from the moment shutdown begins the
 * process is not ready, whatever the checks say.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, { check: ReadinessCheck; labels: Labels }>();
  private shutdownStartedAt?: Date;

  /** `labels` are shown with every outcome of the check, up or down (e.g. `{ backend: 'bull' }`). */
  register(name: string, check: ReadinessCheck, labels: Labels = {}): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, { check, labels });
  }

  get names(): string[] {
    return [...this.checks.keys()];
  }

  beginShutdown(): void {
    this.shutdownStartedAt ??= new Date();
  }

  get shuttingDownSince(): Date | undefined {
    return this.shutdownStartedAt;
  }

  /** Runs every check at once, each bounded by CHECK_TIMEOUT_MS. */
  runAll(): Promise<CheckOutcome[]> {
    return Promise.all(
      [...this.checks.entries()].map(([name, { check, labels }]) => run(name, check, labels)),
    );
  }
}

type Labels = Record<string, string | number | boolean>;

async function run(name: string, check: ReadinessCheck, labels: Labels): Promise<CheckOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const details = (await withTimeout(check(), CHECK_TIMEOUT_MS)) ?? {};
    return { name, status: 'up', durationMs: elapsed(), details: { ...labels, ...details } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name, status: 'down', durationMs: elapsed(), details: { ...labels, message } };
  }
}
