import type { ServerResponse } from 'node:http';
import { query } from './support/databases';
import { FeedServer, sendJson, startFeedServer } from './support/feed-server';
import { parseSamples, valueOf } from './support/prometheus-text';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The breaker state a live source reports (GET /v1/collector/sources, the
 * oracxpred_collector_breaker_state gauge) goes open → half-open (cool-down passed, or the trial
 * poll running) → closed on the trial's success, open again on its failure.
 */

const GOOD_FEED = {
  league: { code: 'generated/virtual-league', name: 'G', country: 'G' },
  matches: [],
};
const GAUGE = { closed: 0, 'half-open': 1, open: 2 } as const;

describe('collector: the breaker state reported while a source recovers (e2e)', () => {
  let testApp: TestApp;
  let feed: FeedServer;

  beforeAll(async () => {
    feed = await startFeedServer((_request, response) => sendJson(response, { matches: [] }));
    testApp = await startTestApp({
      // Long interval: every poll here is a manual one.
      COLLECTOR_SOURCES: JSON.stringify([
        {
          id: 'flaky',
          provider: 'virtual-league',
          url: feed.url,
          intervalSeconds: 3600,
          retries: 0,
          breaker: { failureThreshold: 1, cooldownSeconds: 3600 },
        },
      ]),
      LOG_LEVEL: 'error',
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await feed?.close();
  });

  const poll = () => testApp.asAdmin({ method: 'POST', url: '/v1/collector/sources/flaky/poll' });

  /** The state the API and the metric report; they must agree. */
  async function reported(): Promise<string> {
    const sources = (await testApp.asAdmin({ url: '/v1/collector/sources' })).json<
      Array<{ id: string; breaker: { state: keyof typeof GAUGE } }>
    >();
    const state = sources.find((source) => source.id === 'flaky')!.breaker.state;
    const metrics = parseSamples((await testApp.app.inject({ url: '/metrics' })).body);
    expect(valueOf(metrics, 'oracxpred_collector_breaker_state', { source: 'flaky' })).toBe(
      GAUGE[state],
    );
    return state;
  }

  const openedAt = (sql: string) =>
    query(testApp.databaseUrl, `update collector_sources set breaker_opened_at = ${sql}`);

  /** Holds the feed's next answer until the returned function sends it. */
  function holdNextAnswer(): { answered: Promise<void>; answer: (body: unknown) => void } {
    let held: ServerResponse | undefined;
    let arrived!: () => void;
    const answered = new Promise<void>((resolve) => (arrived = resolve));
    feed.setHandler((_request, response) => {
      held = response;
      arrived();
    });
    return { answered, answer: (body) => sendJson(held!, body) };
  }

  it('reports half-open when the cool-down has passed and while the trial runs', async () => {
    expect((await poll()).json()).toMatchObject({ outcome: 'failed' });
    expect(await reported()).toBe('open');

    // The cool-down has passed: the next poll is let through as the trial.
    await openedAt("now() - interval '2 hours'");
    expect(await reported()).toBe('half-open');

    // A trial running (an admin's poll-now, within the cool-down): half-open until it ends.
    await openedAt('now()');
    expect(await reported()).toBe('open');
    const failing = holdNextAnswer();
    const failingTrial = poll();
    await failing.answered;
    expect(await reported()).toBe('half-open');
    failing.answer({ matches: [] });
    expect((await failingTrial).json()).toMatchObject({ outcome: 'failed' });
    expect(await reported()).toBe('open');

    await openedAt("now() - interval '2 hours'");
    expect(await reported()).toBe('half-open');
    const succeeding = holdNextAnswer();
    const succeedingTrial = poll();
    await succeeding.answered;
    expect(await reported()).toBe('half-open');
    succeeding.answer(GOOD_FEED);
    expect((await succeedingTrial).json()).toMatchObject({ outcome: 'succeeded' });
    expect(await reported()).toBe('closed');
  });
});
