import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { JobQueue } from '../src/infrastructure/queue/job-queue';
import { WebhookSubscriptionRepository } from '../src/webhooks/repositories/webhook-subscription.repository';
import { WEBHOOK_QUEUE, WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service';
import { METRICS } from '../src/infrastructure/metrics/metric-catalogue';
import { createAccount, expectProblem, PASSWORD } from './support/auth';
import { query } from './support/databases';
import { uploadImport, waitForImport } from './support/imports';
import { startTestApp, type Inject, type TestApp } from './support/test-app';
import { train } from './support/training';
import { verifySignature, waitFor, WebhookReceiver } from './support/webhook-receiver';

/**
 * Webhooks end to end against a real receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOWED_NETWORKS):
 * every event type arrives once and signed, temporary failures are retried, repeated failures
 * disable the subscription, private addresses are refused, and users only see their own.
 */

const COMPETITION = 'generated/premier-division';
const ALL_EVENTS = [
  'match.finished',
  'prediction.updated',
  'model.promoted',
  'import.finished',
  'training.finished',
];

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  payload: { id: string; event: string; createdAt: string; data: Record<string, unknown> };
}

describe('webhooks (e2e)', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let asUser: Inject;
  let asOther: Inject;
  let userId: string;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await startTestApp({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      // Small backoff and limits, so retries and disabling happen within the test.
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_BACKOFF_MS: '50',
      WEBHOOK_DISABLE_AFTER_FAILURES: '2',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_MAX_PER_USER: '3',
    });
    userId = await createAccount(testApp, 'hooks@oracxpred.test', 'user');
    await createAccount(testApp, 'other@oracxpred.test', 'user');
    asUser = testApp.withToken((await testApp.login('hooks@oracxpred.test', PASSWORD)).accessToken);
    asOther = testApp.withToken(
      (await testApp.login('other@oracxpred.test', PASSWORD)).accessToken,
    );
  });

  afterAll(async () => {
    await testApp?.close();
    await receiver?.stop();
  });

  async function subscribe(inject: Inject, url: string, events: string[]) {
    const response = await inject({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url, events },
    });
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status: 201 });
    return response.json<{ id: string; secret: string; active: boolean; ownerId: string }>();
  }

  async function deliveries(inject: Inject, id: string): Promise<Delivery[]> {
    const response = await inject({
      method: 'GET',
      url: `/v1/webhooks/${id}/deliveries?pageSize=200`,
    });
    expect(response.statusCode).toBe(200);
    return response.json<Delivery[]>();
  }

  /** The body a ping delivery inserted by hand carries (its id and creation time inside). */
  function writePingPayload(deliveryId: string) {
    return query(
      testApp.databaseUrl,
      `update webhook_deliveries
          set payload = json_build_object('id', id, 'event', 'ping', 'createdAt', created_at, 'data', '{}'::json)::text
        where id = $1`,
      [deliveryId],
    );
  }

  /** Waits until every delivery of a subscription is final, and returns them. */
  function settled(inject: Inject, id: string, atLeast = 1): Promise<Delivery[]> {
    let list: Delivery[] = [];
    return waitFor(
      () =>
        `deliveries of ${id} to settle (last seen: ${JSON.stringify(list.map((d) => [d.event, d.status, d.attempts, d.lastError]))})`,
      async () => {
        list = await deliveries(inject, id);
        const final = ['delivered', 'failed', 'cancelled'];
        return list.length >= atLeast && list.every((d) => final.includes(d.status)) && list;
      },
    );
  }

  it('delivers each event type once, signed, with the delivery id as idempotency key', async () => {
    const hook = await subscribe(asUser, receiver.url('/all'), ALL_EVENTS);
    expect(hook.secret).toMatch(/^whsec_/);
    // The secret is shown at creation only.
    const read = await asUser({ method: 'GET', url: `/v1/webhooks/${hook.id}` });
    expect(read.json()).not.toHaveProperty('secret');

    // A league, then a re-import that moves three fixtures' kick-off (match.updated, hence
    // prediction.updated for them) and corrects two results (match.finished).
    const ingestion = testApp.app.get(IngestionService);
    const league = generatedLeague(new Date());
    await ingestion.importParsed(league);
    const fixtures = league.records.filter((r) => r.status === 'scheduled').slice(0, 3);
    const results = league.records.filter((r) => r.status === 'finished').slice(-2);
    await ingestion.importParsed({
      ...league,
      records: [
        ...fixtures.map((r) => ({ ...r, kickoff: new Date(r.kickoff.getTime() + 3_600_000) })),
        ...results.map((r) => ({ ...r, homeGoals: r.homeGoals! + 1, awayGoals: r.awayGoals })),
      ],
      rowsRead: 5,
    });
    // An uploaded file: import.finished.
    const upload = await uploadImport(
      testApp.asAdmin,
      readFileSync(path.join(__dirname, 'fixtures', 'bad-rows.football-data.csv')),
      'bad-rows.csv',
    );
    const importRun = await waitForImport(testApp.asAdmin, upload.json().id);
    // A first model: training.finished, model.promoted (champion), prediction.updated again.
    const run = await train(testApp.asAdmin, {
      modelType: 'elo',
      competitions: [COMPETITION],
      evaluationWeeks: 4,
    });

    // Six events: two from the re-import, one import, the promotion and its prediction.updated,
    // and the end of training.
    const log = await settled(asUser, hook.id, 6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deliveries(asUser, hook.id)).toHaveLength(6);
    expect(log.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    const received = receiver.at('/all');
    // Once each: one receipt per delivery, no delivery id twice.
    expect(received).toHaveLength(log.length);
    const ids = received.map((r) => r.headers['x-oracxpred-delivery']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(log.map((d) => d.id)));
    for (const receipt of received) {
      expect(verifySignature(hook.secret, receipt)).toBe(true);
      expect(verifySignature('whsec_not-the-secret', receipt)).toBe(false);
      const body = JSON.parse(receipt.body);
      expect(Object.keys(body)).toEqual(['id', 'event', 'createdAt', 'data']);
      expect(body.id).toBe(receipt.headers['x-oracxpred-delivery']);
      expect(body.event).toBe(receipt.headers['x-oracxpred-event']);
      expect(receipt.headers['content-type']).toBe('application/json');
    }
    const bodies = received.map((r) => JSON.parse(r.body) as Delivery['payload']);
    const ofEvent = (event: string) => bodies.filter((b) => b.event === event);
    expect(new Set(bodies.map((b) => b.event))).toEqual(new Set(ALL_EVENTS));

    expect(ofEvent('import.finished')).toEqual([
      expect.objectContaining({
        data: { importRunId: importRun.id, outcome: importRun.status },
      }),
    ]);
    expect(ofEvent('training.finished')).toEqual([
      expect.objectContaining({
        data: { trainingRunId: run.id, status: 'succeeded', modelVersionId: run.modelVersionId },
      }),
    ]);
    expect(ofEvent('model.promoted')).toEqual([
      expect.objectContaining({
        data: {
          scope: COMPETITION,
          alias: 'champion',
          versionId: run.modelVersionId,
          previousVersionId: null,
        },
      }),
    ]);
    const upcoming = (
      await query<{ id: number }>(
        testApp.databaseUrl,
        `select id from matches where status = 'scheduled' and kickoff > now() order by kickoff, id`,
      )
    ).map((r) => r.id);
    expect(upcoming.length).toBeGreaterThan(0);
    // On the promotion: every upcoming match of the competition, and the version now serving.
    const promoted = ofEvent('prediction.updated').filter(
      (b) => b.data.reason === 'model.promoted',
    );
    expect(promoted.flatMap((b) => b.data.matchIds as number[])).toEqual(upcoming);
    expect(promoted[0].data).toMatchObject({
      scope: COMPETITION,
      versionId: run.modelVersionId,
    });
    // On the re-import: the three moved fixtures (not the corrected results: already played).
    const changed = ofEvent('prediction.updated').filter((b) => b.data.reason === 'match.updated');
    const moved = changed.flatMap((b) => b.data.matchIds as number[]);
    expect(moved).toHaveLength(3);
    expect(moved.every((id) => upcoming.includes(id))).toBe(true);
    const finished = ofEvent('match.finished').flatMap((b) => b.data.matchIds as number[]);
    expect(finished).toHaveLength(2);
    expect(finished.some((id) => upcoming.includes(id))).toBe(false);
    // The receiver fetches the new prediction through the API.
    const prediction = await asUser({
      method: 'GET',
      url: `/v1/matches/${upcoming[0]}/prediction`,
    });
    expect(prediction.statusCode).toBe(200);
    expect(prediction.json()).toMatchObject({ model: { versionId: run.modelVersionId } });

    const metrics = (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      new RegExp(
        `${METRICS.webhookDeliveries.name}\\{event="model.promoted",outcome="delivered"\\} 1\\b`,
      ),
    );
    expect(metrics).toContain(`${METRICS.webhookDeliveryDuration.name}_bucket{`);
  });

  it('gets an event through a receiver that fails its first answers (retries with backoff)', async () => {
    receiver.answer('/flaky', (n) => (n <= 2 ? 503 : 200));
    const hook = await subscribe(asUser, receiver.url('/flaky'), ['model.promoted']);
    const ping = await asUser({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` });
    expect(ping.statusCode).toBe(202);
    expect(ping.json()).toMatchObject({ event: 'ping', status: 'pending', attempts: 0 });

    const [delivery] = await settled(asUser, hook.id);
    expect(delivery).toMatchObject({
      id: ping.json().id,
      status: 'delivered',
      attempts: 3,
      lastResponseStatus: 200,
    });
    const received = receiver.at('/flaky');
    expect(received.map((r) => r.status)).toEqual([503, 503, 200]);
    // Every attempt: the same delivery id and body, freshly signed.
    expect(new Set(received.map((r) => r.headers['x-oracxpred-delivery']))).toEqual(
      new Set([delivery.id]),
    );
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(received.every((r) => verifySignature(hook.secret, r))).toBe(true);
    const after = await asUser({ method: 'GET', url: `/v1/webhooks/${hook.id}` });
    expect(after.json()).toMatchObject({ active: true, consecutiveFailures: 0 });
  });

  it("records a receiver's answer containing NUL bytes (PostgreSQL refuses them in text)", async () => {
    receiver.answer('/nul', () => ({ status: 500, body: Buffer.from('bad\u0000gateway') }));
    const hook = await subscribe(testApp.asAdmin, receiver.url('/nul'), ['model.promoted']);
    const ping = await testApp.asAdmin({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` });
    expect(ping.statusCode).toBe(202);
    // Every attempt is recorded, and the delivery ends failed instead of staying pending.
    const [delivery] = await settled(testApp.asAdmin, hook.id);
    expect(delivery).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastResponseStatus: 500,
      lastError: 'HTTP 500: bad\uFFFDgateway',
    });
    expect(receiver.at('/nul')).toHaveLength(4);
  });

  it('queues again, once, a delivery whose job was lost (at-least-once)', async () => {
    const hook = await subscribe(testApp.asAdmin, receiver.url('/lost'), ['model.promoted']);
    // A delivery stored ten minutes ago whose job never reached the queue.
    const [{ id }] = await query<{ id: string }>(
      testApp.databaseUrl,
      `insert into webhook_deliveries (id, subscription_id, event, payload, created_at)
       values (gen_random_uuid(), $1, 'ping', '', now() - interval '10 minutes') returning id`,
      [hook.id],
    );
    await writePingPayload(id);
    const sweeper = testApp.app.get(WebhookDeliveryService);
    // Two sweeps before the job runs: the delivery id is the job id, so it is queued once.
    expect(await sweeper.requeueUnattempted()).toEqual([id]);
    await sweeper.requeueUnattempted();
    const [delivery] = await settled(testApp.asAdmin, hook.id);
    expect(delivery).toMatchObject({ id, status: 'delivered', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const received = receiver.at('/lost');
    expect(received.map((r) => r.headers['x-oracxpred-delivery'])).toEqual([id]);
    expect(verifySignature(hook.secret, received[0])).toBe(true);
    expect(await sweeper.requeueUnattempted()).toEqual([]);
  });

  it('queues again a retrying delivery whose retry job was lost, counting its earlier attempt', async () => {
    await createAccount(testApp, 'lost-retry@oracxpred.test', 'user');
    const asOwner = testApp.withToken(
      (await testApp.login('lost-retry@oracxpred.test', PASSWORD)).accessToken,
    );
    const hook = await subscribe(asOwner, receiver.url('/lost-retry'), ['model.promoted']);
    // Its first attempt failed ten minutes ago; the retry due nine minutes ago never ran (an
    // in-process queue's process restarted, or Redis lost the delayed job).
    const [{ id }] = await query<{ id: string }>(
      testApp.databaseUrl,
      `insert into webhook_deliveries
         (id, subscription_id, event, payload, status, attempts, last_response_status, last_error,
          created_at, last_attempt_at, next_attempt_at)
       values (gen_random_uuid(), $1, 'ping', '', 'retrying', 1, 503, 'HTTP 503',
          now() - interval '10 minutes', now() - interval '10 minutes', now() - interval '9 minutes')
       returning id`,
      [hook.id],
    );
    await writePingPayload(id);
    expect(await testApp.app.get(WebhookDeliveryService).requeueUnattempted()).toEqual([id]);
    const [delivery] = await settled(asOwner, hook.id);
    expect(delivery).toMatchObject({ id, status: 'delivered', attempts: 2 });
    expect(receiver.at('/lost-retry')).toHaveLength(1);
  });

  it('queues again a delivery whose job failed for good before an attempt could be recorded', async () => {
    await createAccount(testApp, 'outage@oracxpred.test', 'user');
    const asOwner = testApp.withToken(
      (await testApp.login('outage@oracxpred.test', PASSWORD)).accessToken,
    );
    const hook = await subscribe(asOwner, receiver.url('/outage'), ['model.promoted']);
    // The database refuses to record this subscription's attempts (as in an outage): every run
    // of the job fails, and the job fails for good with the delivery still pending.
    await query(
      testApp.databaseUrl,
      `create function qa_refuse_attempt() returns trigger language plpgsql as
         $$ begin raise exception 'database unavailable'; end $$;
       create trigger qa_refuse_attempt before update on webhook_deliveries for each row
         when (old.subscription_id = '${hook.id}'::uuid) execute function qa_refuse_attempt();`,
    );
    const ping = await asOwner({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` });
    const id = ping.json<{ id: string }>().id;
    const queue = testApp.app.get(JobQueue);
    await waitFor('the job to fail for good', async () => {
      const status = await queue.status(WEBHOOK_QUEUE, id);
      return status?.state === 'failed';
    });
    await query(
      testApp.databaseUrl,
      'drop trigger qa_refuse_attempt on webhook_deliveries; drop function qa_refuse_attempt();',
    );
    await query(
      testApp.databaseUrl,
      `update webhook_deliveries set created_at = now() - interval '10 minutes' where id = $1`,
      [id],
    );
    expect((await deliveries(asOwner, hook.id)).map((d) => [d.status, d.attempts])).toEqual([
      ['pending', 0],
    ]);
    // The sweep queues it again, and this time the attempt is made and recorded.
    expect(await testApp.app.get(WebhookDeliveryService).requeueUnattempted()).toEqual([id]);
    const [delivery] = await settled(asOwner, hook.id);
    expect(delivery).toMatchObject({ id, status: 'delivered', attempts: 1 });
  });

  it('delivers an event to its other subscribers when one is deleted while it is published', async () => {
    await createAccount(testApp, 'deleting@oracxpred.test', 'user');
    const asOwner = testApp.withToken(
      (await testApp.login('deleting@oracxpred.test', PASSWORD)).accessToken,
    );
    const kept = await subscribe(asOwner, receiver.url('/kept'), ['import.finished']);
    const gone = await subscribe(asOwner, receiver.url('/gone'), ['import.finished']);
    // The subscribers are read; then, before their deliveries are written, one is deleted.
    const original = WebhookSubscriptionRepository.prototype.subscriberIds;
    const spy = jest
      .spyOn(WebhookSubscriptionRepository.prototype, 'subscriberIds')
      .mockImplementationOnce(async function (this: WebhookSubscriptionRepository, event) {
        const ids = await original.call(this, event);
        await query(testApp.databaseUrl, 'delete from webhook_subscriptions where id = $1', [
          gone.id,
        ]);
        return ids;
      });
    try {
      const publisher = testApp.app.get(WebhookDeliveryService);
      const ids = await publisher.publish('import.finished', {
        importRunId: 'deleted-meanwhile',
        outcome: 'succeeded',
      });
      expect(spy).toHaveBeenCalledTimes(1);
      const [delivery] = await settled(asOwner, kept.id);
      expect(delivery).toMatchObject({ status: 'delivered', event: 'import.finished' });
      expect(ids).toContain(delivery.id);
      expect(receiver.at('/kept')).toHaveLength(1);
      expect(receiver.at('/gone')).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('resets the failure count on a success that ends after a failure (consecutive failures)', async () => {
    await createAccount(testApp, 'interleaved@oracxpred.test', 'user');
    const asOwner = testApp.withToken(
      (await testApp.login('interleaved@oracxpred.test', PASSWORD)).accessToken,
    );
    // The first delivery is answered 200, slowly; the second fails every attempt meanwhile.
    receiver.answer('/interleaved', (n) => (n === 1 ? { status: 200, delayMs: 1500 } : 500));
    const hook = await subscribe(asOwner, receiver.url('/interleaved'), ['model.promoted']);
    await asOwner({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` });
    await waitFor('the first request', () => receiver.at('/interleaved').length === 1);
    await asOwner({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` });
    const log = await settled(asOwner, hook.id, 2);
    expect(log.map((d) => d.status)).toEqual(['failed', 'delivered']);
    // The success came last: no failure in a row since.
    const after = await asOwner({ method: 'GET', url: `/v1/webhooks/${hook.id}` });
    expect(after.json()).toMatchObject({ active: true, consecutiveFailures: 0 });
  });

  it('sends no retry once the owner account is disabled: the delivery is cancelled', async () => {
    const ownerId = await createAccount(testApp, 'leaving@oracxpred.test', 'user');
    const asOwner = testApp.withToken(
      (await testApp.login('leaving@oracxpred.test', PASSWORD)).accessToken,
    );
    // The first attempt fails slowly, so the account is disabled while it is under way.
    receiver.answer('/leaving', () => ({ status: 500, delayMs: 500 }));
    const hook = await subscribe(asOwner, receiver.url('/leaving'), ['match.finished']);
    await testApp.app.get(WebhookDeliveryService).publish('match.finished', { matchIds: [103] });
    await waitFor('the first attempt', async () => receiver.at('/leaving').length === 1);
    const disabled = await testApp.asAdmin({
      method: 'PATCH',
      url: `/v1/users/${ownerId}`,
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    const [delivery] = await settled(testApp.asAdmin, hook.id);
    expect(delivery).toMatchObject({
      status: 'cancelled',
      attempts: 1,
      lastError: "not attempted: the owner's account is disabled",
    });
    expect(receiver.at('/leaving')).toHaveLength(1);
  });

  it('pauses the webhooks of an owner demoted to viewer, and resumes them when promoted again', async () => {
    const ownerId = await createAccount(testApp, 'demoted@oracxpred.test', 'user');
    const asOwner = testApp.withToken(
      (await testApp.login('demoted@oracxpred.test', PASSWORD)).accessToken,
    );
    const hook = await subscribe(asOwner, receiver.url('/paused'), ['match.finished']);
    const setRole = async (role: string) => {
      const response = await testApp.asAdmin({
        method: 'PATCH',
        url: `/v1/users/${ownerId}`,
        payload: { role },
      });
      expect(response.statusCode).toBe(200);
    };
    const publisher = testApp.app.get(WebhookDeliveryService);

    await setRole('viewer');
    await publisher.publish('match.finished', { matchIds: [101] });
    expect(await deliveries(testApp.asAdmin, hook.id)).toEqual([]);

    await setRole('user');
    await publisher.publish('match.finished', { matchIds: [102] });
    const [delivery] = await settled(testApp.asAdmin, hook.id);
    expect(delivery).toMatchObject({ status: 'delivered', event: 'match.finished' });
    const received = receiver.at('/paused');
    expect(received.map((r) => JSON.parse(r.body).data)).toEqual([{ matchIds: [102] }]);
  });

  it('disables a subscription after repeated failed deliveries, and re-enables it on request', async () => {
    receiver.answer('/down', () => 500);
    const hook = await subscribe(testApp.asAdmin, receiver.url('/down'), ['training.finished']);
    for (let i = 1; i <= 2; i++) {
      expect(
        (await testApp.asAdmin({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` })).statusCode,
      ).toBe(202);
      const log = await settled(testApp.asAdmin, hook.id, i);
      expect(log[0]).toMatchObject({
        status: 'failed',
        attempts: 4,
        lastResponseStatus: 500,
        lastError: 'HTTP 500: receiver unavailable',
      });
    }
    expect(receiver.at('/down')).toHaveLength(8);
    // The failure is counted (and the subscription disabled) just after the delivery is final.
    const disabled = await waitFor('the subscription to be disabled', async () => {
      const read = (
        await testApp.asAdmin({ method: 'GET', url: `/v1/webhooks/${hook.id}` })
      ).json();
      return read.active === false && read;
    });
    expect(disabled).toMatchObject({ active: false, consecutiveFailures: 2 });
    expect(disabled.disabledReason).toContain('2 consecutive deliveries failed');
    expect(disabled.disabledReason).toContain('HTTP 500');

    // Disabled: no more deliveries, not even a ping.
    const ping = await testApp.asAdmin({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` });
    expectProblem(ping, 409);
    const audit = await testApp.asAdmin({ method: 'GET', url: '/v1/audit?action=webhook.disable' });
    expect(audit.json()).toEqual([
      expect.objectContaining({
        action: 'webhook.disable',
        actor: expect.objectContaining({ type: 'system' }),
        target: { webhookId: hook.id },
      }),
    ]);

    const enabled = await testApp.asAdmin({
      method: 'POST',
      url: `/v1/webhooks/${hook.id}/enable`,
    });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json()).toMatchObject({
      active: true,
      consecutiveFailures: 0,
      disabledReason: null,
    });
  });

  it.each([
    ['a private IPv4 address', 'http://10.0.0.1/hook', 'private'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data', 'link-local'],
    ['IPv6 loopback', 'http://[::1]:8080/hook', 'loopback'],
    ['an IPv4-mapped IPv6 private address', 'http://[::ffff:192.168.1.10]/hook', 'private'],
    ['a unique-local IPv6 address', 'https://[fd00::1]/hook', 'unique-local'],
    ['a loopback address outside the allow-list', 'http://127.0.0.2/hook', 'loopback'],
    ['CGNAT', 'https://100.64.1.1/hook', 'carrier-grade NAT'],
  ])('refuses %s at creation (400 naming the url)', async (_name, url, reason) => {
    const response = await asUser({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url, events: ['match.finished'] },
    });
    const problem = expectProblem(response, 400);
    expect(problem.errors).toEqual([{ field: 'url', reason: expect.stringContaining(reason) }]);
  });

  it.each([
    [{ url: 'ftp://127.0.0.1/hook', events: ['match.finished'] }, 'url'],
    [{ url: 'http://user:pw@127.0.0.1/hook', events: ['match.finished'] }, 'url'],
    [{ url: 'not a url', events: ['match.finished'] }, 'url'],
    [{ url: 'http://127.0.0.1/hook', events: ['match.started'] }, 'events'],
    [{ url: 'http://127.0.0.1/hook', events: [] }, 'events'],
    [{ url: 'http://127.0.0.1/hook', events: ['ping'] }, 'events'],
    [{ url: 'http://127.0.0.1/hook' }, 'events'],
  ])('refuses bad input %o (400 naming %s)', async (payload, field) => {
    const response = await asUser({ method: 'POST', url: '/v1/webhooks', payload });
    const problem = expectProblem(response, 400);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it('stores and shows the URL deliveries go to, not the spelling it was given in', async () => {
    await createAccount(testApp, 'spelling@oracxpred.test', 'user');
    const asSpeller = testApp.withToken(
      (await testApp.login('spelling@oracxpred.test', PASSWORD)).accessToken,
    );
    const port = receiver.port;
    const created = await asSpeller({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: ` HTTP://127.0.0.1:${port}/spelt\n/out `, events: ['model.promoted'] },
    });
    expect([created.statusCode, created.json().url]).toEqual([201, receiver.url('/spelt/out')]);
    const id = created.json<{ id: string }>().id;
    const pinged = async (path: string) => {
      await asSpeller({ method: 'POST', url: `/v1/webhooks/${id}/ping` });
      await settled(asSpeller, id);
      expect([path, receiver.at(path).length]).toEqual([path, 1]);
    };
    await pinged('/spelt/out');
    for (const [given, path] of [
      [`http://2130706433:${port}/decimal`, '/decimal'],
      [`http://0x7f.1:${port}/hex`, '/hex'],
      [`http://:@127.0.0.1:${port}/no-credentials`, '/no-credentials'],
    ]) {
      const patched = await asSpeller({
        method: 'PATCH',
        url: `/v1/webhooks/${id}`,
        payload: { url: given },
      });
      expect([given, patched.statusCode, patched.json().url]).toEqual([
        given,
        200,
        receiver.url(path),
      ]);
      await pinged(path);
    }
  });

  it('limits the webhooks of one account (WEBHOOK_MAX_PER_USER)', async () => {
    for (let i = 0; i < 3; i++)
      await subscribe(asOther, receiver.url(`/other-${i}`), ['model.promoted']);
    const fourth = await asOther({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: receiver.url('/other-3'), events: ['model.promoted'] },
    });
    expectProblem(fourth, 409);
  });

  it('holds the limit when one account creates webhooks concurrently', async () => {
    await createAccount(testApp, 'racer@example.org', 'user');
    const asRacer = testApp.withToken(
      (await testApp.login('racer@example.org', PASSWORD)).accessToken,
    );
    const responses = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        asRacer({
          method: 'POST',
          url: '/v1/webhooks',
          payload: { url: receiver.url(`/racer-${i}`), events: ['model.promoted'] },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 409, 409, 409]);
  });

  it("lists an account's own webhooks in its personal data export, without their secrets", async () => {
    const response = await asOther({ method: 'GET', url: '/v1/me/export' });
    expect(response.statusCode).toBe(200);
    const data = response.json<{ webhooks: Array<{ url: string; events: string[] }> }>();
    expect(data.webhooks.map((w) => w.url).sort()).toEqual(
      [0, 1, 2].map((i) => receiver.url(`/other-${i}`)),
    );
    expect(data.webhooks[0]).toMatchObject({ events: ['model.promoted'], disabledAt: null });
    expect(JSON.stringify(data)).not.toMatch(/secret/i);
  });

  it("hides users' webhooks from each other (404), while admins manage all (audited)", async () => {
    const own = (await asUser({ method: 'GET', url: '/v1/webhooks' })).json<
      Array<{ id: string; ownerId: string }>
    >();
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((w) => w.ownerId === userId)).toBe(true);
    const target = own[0].id;

    const theirs = (await asOther({ method: 'GET', url: '/v1/webhooks' })).json<
      Array<{ id: string }>
    >();
    expect(theirs.map((w) => w.id)).not.toContain(target);
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${target}`],
      ['GET', `/v1/webhooks/${target}/deliveries`],
      ['DELETE', `/v1/webhooks/${target}`],
      ['PATCH', `/v1/webhooks/${target}`],
      ['POST', `/v1/webhooks/${target}/ping`],
      ['POST', `/v1/webhooks/${target}/rotate-secret`],
      ['POST', `/v1/webhooks/${target}/enable`],
    ]) {
      const response = await asOther({
        method: method as 'GET',
        url,
        ...(method === 'PATCH' ? { payload: { description: 'mine now' } } : {}),
      });
      expect([method, url, response.statusCode]).toEqual([method, url, 404]);
    }
    // An admin sees everybody's, can filter by owner, and can delete them.
    const all = (await testApp.asAdmin({ method: 'GET', url: '/v1/webhooks?pageSize=200' })).json<
      Array<{ id: string }>
    >();
    expect(all.map((w) => w.id)).toEqual(expect.arrayContaining([target, theirs[0].id]));
    const filtered = (
      await testApp.asAdmin({ method: 'GET', url: `/v1/webhooks?ownerId=${userId}` })
    ).json<Array<{ ownerId: string }>>();
    expect(filtered.every((w) => w.ownerId === userId)).toBe(true);
    const removed = await testApp.asAdmin({ method: 'DELETE', url: `/v1/webhooks/${target}` });
    expect(removed.statusCode).toBe(204);
    expect((await asUser({ method: 'GET', url: `/v1/webhooks/${target}` })).statusCode).toBe(404);
    const audit = await testApp.asAdmin({ method: 'GET', url: '/v1/audit?action=webhook.delete' });
    expect(audit.json()).toEqual([
      expect.objectContaining({ target: { webhookId: target, ownerId: userId } }),
    ]);
  });

  it("gives an admin's API key admin powers over others' webhooks only with the admin scope", async () => {
    await createAccount(testApp, 'third@oracxpred.test', 'user');
    const asThird = testApp.withToken(
      (await testApp.login('third@oracxpred.test', PASSWORD)).accessToken,
    );
    const theirs = await subscribe(asThird, receiver.url('/third'), ['model.promoted']);
    const adminKey = async (scopes: string[]): Promise<Inject> => {
      const created = await testApp.asAdmin({
        method: 'POST',
        url: '/v1/me/api-keys',
        payload: { name: scopes.join('+'), scopes },
      });
      expect(created.statusCode).toBe(201);
      const key = created.json<{ key: string }>().key;
      return (request) =>
        testApp.app.inject({ ...request, headers: { 'x-api-key': key, ...request.headers } });
    };
    // A `predict` key acts as a user, even an admin's: own webhooks only (it took the secret).
    const predictKey = await adminKey(['predict']);
    const listed = await predictKey({ method: 'GET', url: '/v1/webhooks?pageSize=200' });
    expect(listed.json<Array<{ id: string }>>().map((w) => w.id)).not.toContain(theirs.id);
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${theirs.id}`],
      ['POST', `/v1/webhooks/${theirs.id}/rotate-secret`],
      ['DELETE', `/v1/webhooks/${theirs.id}`],
    ]) {
      const response = await predictKey({ method: method as 'GET', url });
      expect([method, url, response.statusCode]).toEqual([method, url, 404]);
    }
    const adminScoped = await adminKey(['predict', 'admin']);
    const all = await adminScoped({ method: 'GET', url: '/v1/webhooks?pageSize=200' });
    expect(all.json<Array<{ id: string }>>().map((w) => w.id)).toContain(theirs.id);
    expect((await asThird({ method: 'GET', url: `/v1/webhooks/${theirs.id}` })).statusCode).toBe(
      200,
    );
  });

  /** POST rotate-secret for the hook (body optional). */
  const rotate = (hookId: string, payload?: object) =>
    asUser({
      method: 'POST',
      url: `/v1/webhooks/${hookId}/rotate-secret`,
      ...(payload ? { payload } : {}),
    });

  /** Pings the hook and returns what its receiver path got; then deletes the hook (the tests
   * after these stay within WEBHOOK_MAX_PER_USER). */
  /** Pings the subscription and returns what its receiver got. */
  async function pingThenKeep(hookId: string, path: string) {
    await asUser({ method: 'POST', url: `/v1/webhooks/${hookId}/ping` });
    await settled(asUser, hookId);
    return receiver.at(path).at(-1)!;
  }

  async function pingThenDelete(hookId: string, path: string) {
    const receipt = await pingThenKeep(hookId, path);
    await asUser({ method: 'DELETE', url: `/v1/webhooks/${hookId}` });
    return receipt;
  }

  it('rotates the secret: the new one is shown once; the old one signs too for a day', async () => {
    const hook = await subscribe(asUser, receiver.url('/rotated'), ['model.promoted']);
    const rotated = await rotate(hook.id);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const { secret, secretRotatedAt, previousSecretExpiresAt } = rotated.json<{
      secret: string;
      secretRotatedAt: string;
      previousSecretExpiresAt: string;
    }>();
    expect(secret).not.toBe(hook.secret);
    expect(Date.parse(previousSecretExpiresAt) - Date.parse(secretRotatedAt)).toBe(86_400_000);
    const shown = await asUser({ url: `/v1/webhooks/${hook.id}` });
    expect(shown.json()).toMatchObject({ secretRotatedAt, previousSecretExpiresAt });
    expect(shown.body).not.toContain(hook.secret);
    const receipt = await pingThenDelete(hook.id, '/rotated');
    // A receiver still on the old secret and one already on the new both accept it.
    expect(verifySignature(secret, receipt)).toBe(true);
    expect(verifySignature(hook.secret, receipt)).toBe(true);
    expect(String(receipt.headers['x-oracxpred-signature']).split(',')).toHaveLength(2);
    const audit = await testApp.asAdmin({
      url: `/v1/audit?action=webhook.rotate-secret`,
    });
    expect(audit.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          target: expect.objectContaining({ webhookId: hook.id }),
          details: { overlapSeconds: 86_400 },
        }),
      ]),
    );
  });

  it('rotates with no overlap (a leaked secret): only the new secret signs', async () => {
    const hook = await subscribe(asUser, receiver.url('/rotated-now'), ['model.promoted']);
    const refused = await rotate(hook.id, { overlapSeconds: -1 });
    expect(expectProblem(refused, 400).errors).toEqual([
      expect.objectContaining({ field: 'overlapSeconds' }),
    ]);
    const rotated = await rotate(hook.id, { overlapSeconds: 0 });
    expect(rotated.json()).toMatchObject({ previousSecretExpiresAt: null });
    const receipt = await pingThenDelete(hook.id, '/rotated-now');
    expect(verifySignature(rotated.json().secret, receipt)).toBe(true);
    expect(verifySignature(hook.secret, receipt)).toBe(false);
  });

  it('stops signing with the previous secret once its overlap has ended', async () => {
    const hook = await subscribe(asUser, receiver.url('/rotated-expired'), ['model.promoted']);
    const rotated = await rotate(hook.id, { overlapSeconds: 3600 });
    await query(
      testApp.databaseUrl,
      `update webhook_subscriptions
          set previous_secrets = jsonb_set(previous_secrets, '{0,expiresAt}', to_jsonb($2::text))
        where id = $1`,
      [hook.id, new Date(Date.now() - 1000).toISOString()],
    );
    const receipt = await pingThenDelete(hook.id, '/rotated-expired');
    expect(verifySignature(rotated.json().secret, receipt)).toBe(true);
    expect(verifySignature(hook.secret, receipt)).toBe(false);
  });

  it('keeps every secret rotated out signing until its own expiry when rotated again', async () => {
    const hook = await subscribe(asUser, receiver.url('/rotated-twice'), ['model.promoted']);
    const first = (await rotate(hook.id, { overlapSeconds: 7200 })).json();
    const second = await rotate(hook.id, { overlapSeconds: 3600 });
    expect(second.statusCode).toBe(200);
    // The replaced secret's expiry, and every earlier one still signing with its own.
    expect(second.json()).toMatchObject({
      previousSecretExpiresAt: new Date(
        Date.parse(second.json().secretRotatedAt) + 3_600_000,
      ).toISOString(),
      previousSecrets: [
        {
          retiredAt: second.json().secretRotatedAt,
          expiresAt: second.json().previousSecretExpiresAt,
        },
        { retiredAt: first.secretRotatedAt, expiresAt: first.previousSecretExpiresAt },
      ],
    });
    const shown = (await asUser({ url: `/v1/webhooks/${hook.id}` })).json();
    expect(shown).toMatchObject({
      previousSecretExpiresAt: second.json().previousSecretExpiresAt,
      previousSecrets: second.json().previousSecrets,
    });
    const signedWith = await pingThenKeep(hook.id, '/rotated-twice');
    for (const secret of [hook.secret, first.secret, second.json().secret])
      expect(verifySignature(secret, signedWith)).toBe(true);
    expect(String(signedWith.headers['x-oracxpred-signature']).split(',')).toHaveLength(3);
    // The emergency stop (a leak): only the new secret signs from now on.
    const third = (await rotate(hook.id, { overlapSeconds: 0 })).json();
    expect(third).toMatchObject({ previousSecretExpiresAt: null, previousSecrets: [] });
    const receipt = await pingThenDelete(hook.id, '/rotated-twice');
    expect(verifySignature(third.secret, receipt)).toBe(true);
    for (const secret of [hook.secret, first.secret, second.json().secret])
      expect(verifySignature(secret, receipt)).toBe(false);
    expect(String(receipt.headers['x-oracxpred-signature']).split(',')).toHaveLength(1);
  });

  it('keeps both rotated-out secrets when two rotations run at once', async () => {
    const hook = await subscribe(asUser, receiver.url('/rotated-together'), ['model.promoted']);
    const answers = await Promise.all([rotate(hook.id), rotate(hook.id)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    const shown = (await asUser({ url: `/v1/webhooks/${hook.id}` })).json();
    expect(shown.previousSecrets).toHaveLength(2);
    const receipt = await pingThenDelete(hook.id, '/rotated-together');
    // The original and both new secrets: whichever rotation came second retired the other's.
    for (const secret of [hook.secret, ...answers.map((a) => a.json().secret)]) {
      expect(verifySignature(secret, receipt)).toBe(true);
    }
  });

  it('refuses a rotation with an overlap while three earlier secrets still sign (409, when)', async () => {
    const hook = await subscribe(asUser, receiver.url('/rotated-often'), ['model.promoted']);
    const overlaps = [3000, 1000, 2000];
    const rotations = [];
    for (const overlapSeconds of overlaps) {
      rotations.push((await rotate(hook.id, { overlapSeconds })).json());
    }
    const refused = await rotate(hook.id, { overlapSeconds: 60 });
    const problem = expectProblem(refused, 409);
    // Allowed again when the first of them stops: the one given 1000 s.
    const firstExpiry = rotations[1].previousSecretExpiresAt;
    expect(problem.detail).toContain(firstExpiry);
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'overlapSeconds', reason: problem.detail }),
    ]);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(900);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(1000);
    // Nothing changed; a rotation without an overlap is still allowed.
    const shown = (await asUser({ url: `/v1/webhooks/${hook.id}` })).json();
    expect(shown.previousSecrets).toHaveLength(3);
    expect(shown.secretRotatedAt).toBe(rotations[2].secretRotatedAt);
    const now = await rotate(hook.id, { overlapSeconds: 0 });
    expect(now.statusCode).toBe(200);
    expect(now.json().previousSecrets).toEqual([]);
    await asUser({ method: 'DELETE', url: `/v1/webhooks/${hook.id}` });
  });

  it('deletes finished deliveries older than the retention from the log', async () => {
    const count = async () =>
      Number(
        (
          await query<{ n: string }>(
            testApp.databaseUrl,
            'select count(*) as n from webhook_deliveries',
          )
        )[0].n,
      );
    const before = await count();
    const [old] = await query<{ id: string }>(
      testApp.databaseUrl,
      `update webhook_deliveries set created_at = now() - interval '31 days'
        where id = (select id from webhook_deliveries where status = 'delivered' limit 1)
        returning id`,
    );
    expect(await testApp.app.get(WebhookDeliveryService).prune(30)).toBe(1);
    expect(await count()).toBe(before - 1);
    expect(
      await query(testApp.databaseUrl, 'select 1 from webhook_deliveries where id = $1', [old.id]),
    ).toEqual([]);
  });

  it.each([
    [{ events: null }, 'events'],
    [{ url: null }, 'url'],
  ])('refuses %o on update (400 naming %s): null is no value for it', async (payload, field) => {
    const url = receiver.url(`/nulls-${field}`);
    const hook = await subscribe(asUser, url, ['match.finished']);
    try {
      const response = await asUser({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload });
      const problem = expectProblem(response, 400);
      expect(problem.errors?.map((e) => e.field)).toContain(field);
      const [stored] = (await asUser({ url: '/v1/webhooks' }))
        .json()
        .filter((w: { id: string }) => w.id === hook.id);
      expect(stored).toMatchObject({ events: ['match.finished'], url });
    } finally {
      await asUser({ method: 'DELETE', url: `/v1/webhooks/${hook.id}` });
    }
  });

  it('stops at once when the receiver answers 410 Gone: no retry, the subscription disabled', async () => {
    receiver.answer('/gone', () => 410);
    await createAccount(testApp, 'gone@oracxpred.test', 'user');
    const asGone = testApp.withToken(
      (await testApp.login('gone@oracxpred.test', PASSWORD)).accessToken,
    );
    const hook = await subscribe(asGone, receiver.url('/gone'), ['match.finished']);
    expect((await asGone({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping` })).statusCode).toBe(
      202,
    );
    const [delivery] = await settled(asGone, hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastResponseStatus: 410 });
    expect(receiver.at('/gone')).toHaveLength(1);
    const disabled = await waitFor('the subscription to be disabled', async () => {
      const read = (await asGone({ method: 'GET', url: `/v1/webhooks/${hook.id}` })).json();
      return read.active === false && read;
    });
    expect(disabled).toMatchObject({ active: false, consecutiveFailures: 1 });
    expect(disabled.disabledReason).toContain('410 Gone');
  });
});
