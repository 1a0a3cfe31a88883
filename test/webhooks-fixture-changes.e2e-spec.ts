import { FOOTBALL_DATA_SOURCE } from '../src/matches/ingestion/formats/football-data-co-uk';
import { createAccount, PASSWORD } from './support/auth';
import { query } from './support/databases';
import { FeedServer, sendJson, startFeedServer } from './support/feed-server';
import { uploadImport, waitForImport } from './support/imports';
import { startTestApp, type Inject, type TestApp } from './support/test-app';
import { verifySignature, waitFor, WebhookReceiver } from './support/webhook-receiver';

/**
 * match.cancelled and match.rescheduled end to end, to a real receiver: an admin's cancel, a
 * live feed's row saying cancelled, and an import listing a fixture on another day each reach a
 * subscriber once, with the payload the README documents; doing it again sends nothing.
 */

const FIXTURE_EVENTS = ['match.cancelled', 'match.rescheduled'];
const FEED_COMPETITION = { code: 'feed/league', name: 'Feed League', country: 'England' };

interface Envelope {
  id: string;
  event: string;
  createdAt: string;
  data: Record<string, unknown>;
}

interface Delivery {
  id: string;
  event: string;
  status: string;
}

describe('webhooks: match.cancelled and match.rescheduled (e2e)', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let feed: FeedServer;
  let asUser: Inject;
  /** What the live feed lists now. */
  let feedMatches: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // Each answer differs (its serial), so every poll reads it: none is skipped as unchanged.
    feed = await startFeedServer((_request, response) =>
      sendJson(response, { serial: feed.requests, matches: feedMatches }),
    );
    testApp = await startTestApp({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      // Polled by hand only: the test knows what each poll read.
      COLLECTOR_SOURCES: JSON.stringify([
        {
          id: 'feed',
          provider: 'json',
          url: feed.url,
          intervalSeconds: 3600,
          retries: 0,
          competition: FEED_COMPETITION,
          mapping: {
            matches: 'matches',
            id: 'id',
            kickoff: 'kickoff',
            home: 'home',
            away: 'away',
            status: 'status',
          },
        },
      ]),
    });
    await createAccount(testApp, 'fixtures@oracxpred.test', 'user');
    asUser = testApp.withToken(
      (await testApp.login('fixtures@oracxpred.test', PASSWORD)).accessToken,
    );
  });

  afterAll(async () => {
    await testApp?.close();
    await receiver?.stop();
    await feed?.close();
  });

  async function subscribe(path: string): Promise<{ id: string; secret: string }> {
    const response = await asUser({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: receiver.url(path), events: FIXTURE_EVENTS },
    });
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({
      status: 201,
      body: { events: FIXTURE_EVENTS },
    });
    return response.json();
  }

  async function deliveries(hookId: string): Promise<Delivery[]> {
    const response = await asUser({
      method: 'GET',
      url: `/v1/webhooks/${hookId}/deliveries?pageSize=200`,
    });
    expect(response.statusCode).toBe(200);
    return response.json<Delivery[]>();
  }

  /**
   * Waits until the subscription's `count` deliveries were all delivered, and returns the
   * bodies the receiver got, each checked against the signature.
   */
  async function received(
    hook: { id: string; secret: string },
    path: string,
    count: number,
  ): Promise<Envelope[]> {
    let seen: Delivery[] = [];
    await waitFor(
      () => `${count} deliveries to ${path} (seen: ${JSON.stringify(seen)})`,
      async () => {
        seen = await deliveries(hook.id);
        return (
          seen.length >= count &&
          seen.every((d) => d.status === 'delivered') &&
          receiver.at(path).length >= seen.length
        );
      },
    );
    expect(seen).toHaveLength(count);
    const receipts = receiver.at(path);
    expect(receipts).toHaveLength(count);
    for (const receipt of receipts) expect(verifySignature(hook.secret, receipt)).toBe(true);
    return receipts.map((r) => JSON.parse(r.body) as Envelope);
  }

  /** Competition, season and teams of a stored match, as the payloads give them. */
  async function storedFixture(sourceKey: string) {
    const [row] = await query<{
      id: number;
      season: string;
      code: string;
      competition_name: string;
      home_id: number;
      home_name: string;
      away_id: number;
      away_name: string;
    }>(
      testApp.databaseUrl,
      `select m.id, m.season, c.code, c.name as competition_name, h.id as home_id,
         h.name as home_name, a.id as away_id, a.name as away_name
       from match_source_refs r join matches m on m.id = r.match_id
       join competitions c on c.id = m.competition_id
       join teams h on h.id = m.home_team_id join teams a on a.id = m.away_team_id
       where r.source_key = $1 and not r.superseded`,
      [sourceKey],
    );
    if (!row) throw new Error(`no match stored under ${sourceKey}`);
    return {
      matchId: row.id,
      competition: { code: row.code, name: row.competition_name },
      season: row.season,
      homeTeam: { id: row.home_id, name: row.home_name },
      awayTeam: { id: row.away_id, name: row.away_name },
    };
  }

  async function importFile(content: string) {
    const upload = await uploadImport(testApp.asAdmin, content, 'SC0.csv');
    expect(upload.statusCode).toBe(202);
    const run = await waitForImport(testApp.asAdmin, upload.json<{ id: string }>().id);
    expect(run.status).toBe('succeeded');
    return run;
  }

  const pollFeed = async () => {
    const response = await testApp.asAdmin({
      method: 'POST',
      url: '/v1/collector/sources/feed/poll',
    });
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({
      status: 200,
      body: { outcome: 'succeeded' },
    });
  };

  const header = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';
  const listing = (home: string, away: string, date: string, time = '15:00') =>
    `${header}\nSC0,${date},${time},${home},${away},,,,,,,2.1,3.4,3.3\n`;

  it('sends match.cancelled once when an admin cancels a fixture, with the reason', async () => {
    const path = '/admin-cancel';
    const hook = await subscribe(path);
    await importFile(listing('Aberdeen', 'Dundee', '14/03/2032'));
    const fixture = await storedFixture('SC0:2032-03-14:Aberdeen:Dundee');
    // Storing a new fixture is neither a cancellation nor a move.
    expect(await deliveries(hook.id)).toEqual([]);

    const cancel = () =>
      testApp.asAdmin({
        method: 'POST',
        url: `/v1/matches/${fixture.matchId}/cancel`,
        payload: { reason: 'phantom: played on another day' },
      });
    expect((await cancel()).statusCode).toBe(200);
    const [body] = await received(hook, path, 1);
    expect(body).toMatchObject({ event: 'match.cancelled' });
    expect(body.data).toEqual({
      ...fixture,
      kickoff: '2032-03-14T15:00:00.000Z',
      source: 'admin',
      reason: 'phantom: played on another day',
    });

    // Cancelling it again changes nothing, and announces nothing (the delivery rows are made
    // before the answer: none was).
    expect((await cancel()).json()).toMatchObject({ id: fixture.matchId, status: 'cancelled' });
    expect(await deliveries(hook.id)).toHaveLength(1);
    // Nor does re-importing the listing it was cancelled from (it stays cancelled).
    await importFile(listing('Aberdeen', 'Dundee', '14/03/2032'));
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it("sends match.cancelled once when a live feed's row says cancelled, with the source", async () => {
    const path = '/feed-cancel';
    const hook = await subscribe(path);
    const row = {
      id: 'feed-4711',
      kickoff: '2031-04-05T14:00:00Z',
      home: 'Feed Rovers',
      away: 'Feed Albion',
    };
    feedMatches = [{ ...row, status: 'scheduled' }];
    await pollFeed();
    const fixture = await storedFixture('feed-4711');
    expect(await deliveries(hook.id)).toEqual([]);

    feedMatches = [{ ...row, status: 'cancelled' }];
    await pollFeed();
    const [body] = await received(hook, path, 1);
    expect(body).toMatchObject({ event: 'match.cancelled' });
    expect(body.data).toEqual({
      ...fixture,
      competition: { code: FEED_COMPETITION.code, name: FEED_COMPETITION.name },
      kickoff: '2031-04-05T14:00:00.000Z',
      source: 'collector:feed',
      reason: null,
    });

    // The next poll reads the same listing again: nothing changed, nothing is sent.
    await pollFeed();
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('sends match.rescheduled once when an import lists a fixture on another day', async () => {
    const path = '/rescheduled';
    const hook = await subscribe(path);
    await importFile(listing('Hearts', 'Hibernian', '13/01/2032'));
    const fixture = await storedFixture('SC0:2032-01-13:Hearts:Hibernian');
    expect(await deliveries(hook.id)).toEqual([]);

    const moved = await importFile(listing('Hearts', 'Hibernian', '20/02/2032'));
    // The row's warning, as before.
    expect(moved.issues).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^rescheduled from 2032-01-13/) }),
    ]);
    const [body] = await received(hook, path, 1);
    expect(body).toMatchObject({ event: 'match.rescheduled' });
    expect(body.data).toEqual({
      ...fixture,
      previousKickoff: '2032-01-13T15:00:00.000Z',
      kickoff: '2032-02-20T15:00:00.000Z',
      source: FOOTBALL_DATA_SOURCE,
    });

    // The same file again: the match is where it says, nothing is sent.
    const again = await importFile(listing('Hearts', 'Hibernian', '20/02/2032'));
    expect(again.counts).toMatchObject({ matchesUpdated: 0, matchesUnchanged: 1 });
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('sends match.rescheduled when the kick-off moves within the day, and not for a result', async () => {
    const path = '/new-time';
    const hook = await subscribe(path);
    await importFile(listing('Motherwell', 'Kilmarnock', '17/03/2032'));
    const fixture = await storedFixture('SC0:2032-03-17:Motherwell:Kilmarnock');

    await importFile(listing('Motherwell', 'Kilmarnock', '17/03/2032', '19:45'));
    const [body] = await received(hook, path, 1);
    expect(body).toMatchObject({ event: 'match.rescheduled' });
    expect(body.data).toEqual({
      ...fixture,
      previousKickoff: '2032-03-17T15:00:00.000Z',
      kickoff: '2032-03-17T19:45:00.000Z',
      source: FOOTBALL_DATA_SOURCE,
    });

    // The result, listed with another kick-off time: a correction of a played match, not a move.
    const result = `${header}\nSC0,17/03/2032,20:00,Motherwell,Kilmarnock,2,1,H,1,0,H,2.1,3.4,3.3\n`;
    expect((await importFile(result)).counts).toMatchObject({ matchesUpdated: 1 });
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('offers both events to subscribers, and refuses an unknown one', async () => {
    const response = await asUser({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: receiver.url('/unknown'), events: ['match.moved'] },
    });
    expect(response.statusCode).toBe(400);
    const document = (await testApp.app.inject({ method: 'GET', url: '/docs-json' })).json<{
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>();
    expect(document.components.schemas.CreateWebhookBody.properties.events).toMatchObject({
      items: { enum: expect.arrayContaining(FIXTURE_EVENTS) },
    });
  });
});
