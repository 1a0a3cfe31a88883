import { createServer } from 'node:net';

/**
 * Fails with the listen error (EADDRINUSE, ...) when one of these ports cannot be bound, before
 * the application starts: otherwise a second instance on a taken port would open its database,
 * load demo data and queue a first training run before its listen failed. A check, not a
 * reservation: the port is released at once (port 0, "any free port", is not checked).
 */
export async function ensurePortsFree(
  host: string,
  ports: Array<number | undefined>,
): Promise<void> {
  for (const port of ports) {
    if (port === undefined || port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}
