import { spawn } from 'node:child_process';
import path from 'node:path';
import { VirtualFeedDocument, VirtualLeague } from '../src/matches/virtual-league/virtual-league';
import { query } from './support/databases';
import { freePort } from './support/server-process';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The virtual league served by the service itself (VIRTUAL_LEAGUE=on), collected over HTTP by
 * the scheduled polls of the same service: the quick start's loop with no internet.
 */
describe('virtual league inside the service', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    testApp = await startTestApp({
      VIRTUAL_LEAGUE: 'on',
      VIRTUAL_LEAGUE_SEED: '11',
      // Started 30 s ago: results, live matches and fixtures are all in the feed at once.
      VIRTUAL_LEAGUE_EPOCH: new Date(Date.now() - 30_000).toISOString(),
      VIRTUAL_LEAGUE_KICKOFF_INTERVAL_SECONDS: '1',
      VIRTUAL_LEAGUE_MATCH_SECONDS: '3',
      VIRTUAL_LEAGUE_PUBLISH_LEAD_SECONDS: '5',
      VIRTUAL_LEAGUE_RETENTION_SECONDS: '3600',
      COLLECTOR_SOURCES: JSON.stringify([
        {
          id: 'virtual-league',
          provider: 'virtual-league',
          url: `http://127.0.0.1:${port}/v1/virtual-league/feed`,
          intervalSeconds: 1,
        },
      ]),
    });
    await testApp.app.listen(port, '127.0.0.1');
  });
  afterAll(() => testApp?.close());

  it('publishes its feed to anyone, labelled as generated', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/virtual-league/feed' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const feed = response.json();
    expect(feed.league).toEqual({
      code: 'generated/virtual-league',
      name: 'Generated Virtual League',
      country: 'Generated',
    });
    const statuses = new Set(feed.matches.map((m: { status: string }) => m.status));
    for (const status of ['finished', 'live', 'scheduled']) expect(statuses).toContain(status);
  });

  it('is collected by the scheduled polls: results, live matches and fixtures with odds', async () => {
    const deadline = Date.now() + 30_000;
    let polls: Array<{ outcome: string }> = [];
    while (Date.now() < deadline) {
      polls = await query<{ outcome: string }>(
        testApp.databaseUrl,
        `select outcome::text from collector_polls where trigger = 'schedule'`,
      );
      if (polls.filter((p) => p.outcome === 'succeeded').length >= 3) break;
      await sleep(200);
    }
    expect(polls.filter((p) => p.outcome === 'succeeded').length).toBeGreaterThanOrEqual(3);
    const byStatus = await query<{ status: string; count: string }>(
      testApp.databaseUrl,
      `select m.status::text, count(*) from matches m join competitions c on c.id = m.competition_id
       where c.code = 'generated/virtual-league' group by 1`,
    );
    const counts = Object.fromEntries(byStatus.map((r) => [r.status, Number(r.count)]));
    expect(counts.finished).toBeGreaterThan(20);
    expect(counts.scheduled).toBeGreaterThan(0);
    const [{ odds }] = await query<{ odds: string }>(
      testApp.databaseUrl,
      `select count(*) as odds from odds_snapshots where source = 'collector:virtual-league'`,
    );
    expect(Number(odds)).toBeGreaterThan(0);
    const sources = await testApp.asAdmin({ method: 'GET', url: '/v1/collector/sources' });
    expect(sources.json()[0]).toMatchObject({
      id: 'virtual-league',
      lastError: null,
      breaker: { state: 'closed' },
    });
  });

  it('runs as its own process (npm run virtual-league), serving the same league as the core', async () => {
    const port = await freePort();
    const settings = {
      VIRTUAL_LEAGUE_SEED: '77',
      VIRTUAL_LEAGUE_EPOCH: '2026-01-01T00:00:00Z',
      VIRTUAL_LEAGUE_KICKOFF_INTERVAL_SECONDS: '240',
      VIRTUAL_LEAGUE_MATCH_SECONDS: '300',
      VIRTUAL_LEAGUE_PUBLISH_LEAD_SECONDS: '1800',
      VIRTUAL_LEAGUE_RETENTION_SECONDS: '7200',
    };
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'src/matches/virtual-league/standalone.ts'],
      {
        cwd: path.resolve(__dirname, '..'),
        env: { PATH: process.env.PATH ?? '', VIRTUAL_LEAGUE_PORT: String(port), ...settings },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 30_000;
      while (!output.includes('listening on')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`not started: ${output}`);
        await sleep(50);
      }
      const response = await fetch(`http://127.0.0.1:${port}/v1/virtual-league/feed`);
      const document = (await response.json()) as VirtualFeedDocument;
      const league = new VirtualLeague({
        seed: 77,
        epoch: Date.parse(settings.VIRTUAL_LEAGUE_EPOCH),
        kickoffIntervalMs: 240_000,
        matchDurationMs: 300_000,
        publishLeadMs: 1_800_000,
        retentionMs: 7_200_000,
      });
      // Deterministic: the core computes the very same document for the time it was served.
      expect(document).toEqual(league.feed(Date.parse(document.generatedAt)));
      expect(document.matches.length).toBeGreaterThan(30);
      expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
