import { ConfigurationError } from '../../config/environment';

/** The database could not be opened at start: says where (never the credentials) and why. */
export class DatabaseUnavailable extends Error {}

/** Nest's context name for the copy of a start-up failure it logs before rethrowing it. */
export const NEST_EXCEPTION_HANDLER = 'ExceptionHandler';

/**
 * What to tell the operator when the service (or the CLI) could not start. Their mistakes (a bad
 * setting, an unreachable database, a port taken) get a plain message; anything else is a defect,
 * reported with its stack.
 */
export function describeStartupFailure(error: unknown): string {
  if (error instanceof ConfigurationError || error instanceof DatabaseUnavailable) {
    return error.message;
  }
  const { code, address, port } = (error ?? {}) as {
    code?: string;
    address?: string;
    port?: number;
  };
  if (code === 'EADDRINUSE' && port !== undefined) {
    return (
      `cannot listen on ${address ?? ''}:${port}: the port is already in use by another ` +
      'process (stop it, or choose a free port with PORT or METRICS_PORT)'
    );
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** host:port/database of a PostgreSQL URL, without its user or password. */
export function databaseLocation(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || 'localhost'}${parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}
