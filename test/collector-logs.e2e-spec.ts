import { createTestDatabase, query } from './support/databases';
import { FeedServer, startFeedServer } from './support/feed-server';
import { jsonLogLines, ServerProcess, startServerProcess } from './support/server-process';

// The real server in a child process, so its JSON log lines (pino writes them to stdout) are read
// as a log collector would; its scheduled polls run on the in-process queue.
const WAIT_MS = 20_000;

type LogLine = Record<string, unknown> & {
  level?: number;
  msg?: string;
  source?: string;
  fault?: string;
  err?: { message?: string };
};

describe('collector: logs of failed polls (real server process)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let fixtures: FeedServer;
  let down: FeedServer;
  let server: ServerProcess;

  const lines = (): LogLine[] => jsonLogLines<LogLine>(server.output());

  async function waitForLine(what: string, match: (line: LogLine) => boolean): Promise<LogLine> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = lines().find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no log line for ${what}; the server printed:\n${server.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    // A fixture on a new day at each request: every poll has something new to store.
    let request = 0;
    fixtures = await startFeedServer((_request, response) => {
      request += 1;
      const day = String((request % 28) + 1).padStart(2, '0');
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(
        `Div,Date,Time,HomeTeam,AwayTeam,AvgH,AvgD,AvgA\nE0,${day}/01/2037,15:00,Logtown,Tracebury,2.1,3.4,3.3\n`,
      );
    });
    down = await startFeedServer((_request, response) => {
      response.writeHead(503);
      response.end();
    });
    const source = (id: string, url: string) => ({
      id,
      provider: 'football-data-co-uk',
      url,
      intervalSeconds: 1,
      retries: 0,
    });
    server = await startServerProcess({
      DATABASE_URL: database.url,
      COLLECTOR_SOURCES: JSON.stringify([
        source('fixtures', fixtures.url),
        source('down', down.url),
      ]),
    });
  });

  afterAll(async () => {
    await server?.stop();
    await fixtures?.close();
    await down?.close();
    await database?.drop();
  });

  it('logs a poll failing on our side at error level with the source and the error, apart from feed failures', async () => {
    // Storage breaks: every write of a match fails in the database.
    await query(
      database.url,
      `create function refuse_matches() returns trigger language plpgsql as $$
       begin raise exception 'matches are refused by the test'; end $$;
       create trigger refuse_matches before insert or update on matches
         for each row execute function refuse_matches()`,
    );
    const ours = await waitForLine(
      'the failed poll of "fixtures"',
      (line) => line.source === 'fixtures' && line.level === 50,
    );
    expect(ours).toMatchObject({
      fault: 'service',
      msg: 'poll failed on our side, not the feed',
      err: { message: expect.stringContaining('matches are refused by the test') },
    });
    // The feed answering 503 is the feed's failure: a warning saying so, never an error.
    const feeds = await waitForLine(
      'the failed poll of "down"',
      (line) => line.source === 'down' && line.fault === 'feed',
    );
    expect(feeds).toMatchObject({ level: 40, msg: 'poll failed; nothing stored' });
    expect(lines().filter((line) => line.source === 'down' && line.level === 50)).toEqual([]);
  });
});
