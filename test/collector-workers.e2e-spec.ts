import { randomBytes } from 'node:crypto';
import { VirtualLeague } from '../src/matches/virtual-league/virtual-league';
import { createTestDatabase, query } from './support/databases';
import { FeedServer, sendJson, startFeedServer } from './support/feed-server';
import { deleteKeysWithPrefix } from './support/redis-keys';
import { ServerProcess, startServerProcess } from './support/server-process';
import { TEST_ADMIN } from './support/test-app';

// Two worker processes share polls through Bull on Redis: without REDIS_URL the suite reports
// itself skipped, saying why.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'collector with two worker processes'
  : 'collector with two worker processes (skipped: REDIS_URL not set)';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than the poll interval, so consecutive ticks overlap unless something prevents it. */
const FEED_DELAY_MS = 1500;

describeWithRedis(title, () => {
  const prefix = `oracx-collector-${randomBytes(4).toString('hex')}`;
  let database: { url: string; drop: () => Promise<void> };
  let feed: FeedServer;
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const league = new VirtualLeague({
      seed: 5,
      epoch: Date.now() - 60_000,
      kickoffIntervalMs: 10_000,
      matchDurationMs: 30_000,
      publishLeadMs: 120_000,
      retentionMs: 600_000,
    });
    feed = await startFeedServer(async (_request, response) => {
      await sleep(FEED_DELAY_MS);
      sendJson(response, league.feed(Date.now()));
    });
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      QUEUE_PREFIX: prefix,
      ORACXPRED_ROLE: 'all',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      COLLECTOR_SOURCES: JSON.stringify([
        { id: 'shared', provider: 'virtual-league', url: feed.url, intervalSeconds: 1, retries: 0 },
      ]),
    };
    // One after the other: the first applies the migrations to the fresh database.
    processes.push(await startServerProcess(env));
    processes.push(await startServerProcess(env));
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await feed?.close();
    await database?.drop();
    if (redisUrl) await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('never polls one source from two processes at once, scheduled or by hand', async () => {
    const tokens = await Promise.all(
      processes.map(async (p) => {
        const response = await fetch(`${p.baseUrl}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
        });
        return ((await response.json()) as { accessToken: string }).accessToken;
      }),
    );
    // Scheduled polls every second in both processes, while both are asked to poll now at once.
    await sleep(3000);
    const manual = await Promise.all(
      processes.map((p, i) =>
        fetch(`${p.baseUrl}/v1/collector/sources/shared/poll`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[i]}` },
        }).then((response) => response.status),
      ),
    );
    expect(manual.every((status) => status === 200 || status === 409)).toBe(true);
    expect(manual.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
    await sleep(4000);

    // The feed never had two requests at once ...
    expect(feed.requests).toBeGreaterThanOrEqual(3);
    expect(feed.maxConcurrent).toBe(1);
    // ... and the polls that ran never overlapped; the ticks that found the source busy say so.
    const polls = await query<{ outcome: string; start: number; finish: number }>(
      database.url,
      `select outcome::text, extract(epoch from started_at) * 1000 as start,
         extract(epoch from started_at) * 1000 + duration_ms as finish
       from collector_polls where source_id = 'shared' order by started_at`,
    );
    const ran = polls.filter((p) => p.outcome === 'succeeded' || p.outcome === 'failed');
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(ran.every((p) => p.outcome === 'succeeded')).toBe(true);
    for (let i = 1; i < ran.length; i++) {
      expect(Number(ran[i].start)).toBeGreaterThanOrEqual(Number(ran[i - 1].finish) - 5);
    }
    expect(polls.some((p) => p.outcome === 'skipped-busy')).toBe(true);
    // Each tick ran once: with 1 s ticks and 1.5 s polls, never more polls than ticks.
    const seconds = (Number(polls.at(-1)!.start) - Number(polls[0].start)) / 1000;
    expect(polls.filter((p) => p.outcome !== 'succeeded').length + ran.length).toBeLessThanOrEqual(
      Math.ceil(seconds) + 2 + 1, // + the two manual polls, + the first tick
    );
    // No duplicates from the concurrent processes either.
    const [{ matches, refs }] = await query<{ matches: string; refs: string }>(
      database.url,
      `select (select count(*) from matches) as matches,
         (select count(*) from match_source_refs where source = 'collector:shared') as refs`,
    );
    expect(Number(matches)).toBeGreaterThan(0);
    expect(matches).toBe(refs);
  });
});
