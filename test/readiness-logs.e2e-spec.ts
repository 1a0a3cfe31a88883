import { createTestDatabase } from './support/databases';
import { jsonLogLines, ServerProcess, startServerProcess } from './support/server-process';

// The real server in a child process, its JSON log lines read as a log collector would: a
// Kubernetes readiness probe every few seconds through an outage must not write an error with
// a stack each time.

type LogLine = Record<string, unknown> & { level?: number; msg?: string; context?: string };

describe('readiness failures in the log (real server process)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let server: ServerProcess;

  const lines = (): LogLine[] => jsonLogLines<LogLine>(server.output());

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServerProcess({
      DATABASE_URL: database.url,
      // Nothing listens on port 1: the Redis and queue checks fail.
      REDIS_URL: 'redis://127.0.0.1:1',
    });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('logs one warning naming the checks down, not an error per probe', async () => {
    for (let probe = 0; probe < 3; probe++) {
      const response = await fetch(`${server.baseUrl}/health/ready`);
      expect(response.status).toBe(503);
    }
    const notReady = lines().filter((line) => line.msg === 'not ready');
    expect(notReady).toHaveLength(1);
    expect(notReady[0].level).toBe(40);
    expect(Object.keys(notReady[0].down as object)).toEqual(['queue', 'redis']);
    const errors = lines().filter((line) => (line.level ?? 0) >= 50);
    expect(errors).toEqual([]);
    expect(server.output()).not.toContain('Health Check has failed');
  });
});
