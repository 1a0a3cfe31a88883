import { startTestApp, type TestApp } from './support/test-app';
import { waitFor, WebhookReceiver } from './support/webhook-receiver';

/**
 * A receiver that accepts connections and never answers must not hold every delivery slot: it
 * gets at most WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION (default 2) requests at once, and the other
 * subscriptions keep being delivered meanwhile. Its waiting deliveries go out as soon as it
 * answers again.
 */

interface Delivery {
  id: string;
  status: string;
  attempts: number;
}

const HUNG_PINGS = 12;
const HEALTHY_PINGS = 5;

describe('webhooks: one hanging receiver does not starve the others (e2e)', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await startTestApp({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      // Longer than the test: a hung request ends only when the receiver is let go.
      WEBHOOK_TIMEOUT_MS: '60000',
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await receiver?.stop();
  });

  async function subscribe(path: string): Promise<string> {
    const response = await testApp.asAdmin({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: receiver.url(path), events: ['model.promoted'] },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function ping(id: string, times: number): Promise<void> {
    for (let n = 0; n < times; n += 1) {
      const response = await testApp.asAdmin({ method: 'POST', url: `/v1/webhooks/${id}/ping` });
      expect(response.statusCode).toBe(202);
    }
  }

  async function deliveries(id: string): Promise<Delivery[]> {
    const response = await testApp.asAdmin({ url: `/v1/webhooks/${id}/deliveries?pageSize=200` });
    expect(response.statusCode).toBe(200);
    return response.json<Delivery[]>();
  }

  function allDelivered(id: string, count: number): Promise<Delivery[]> {
    let seen: Delivery[] = [];
    return waitFor(
      () => `${count} deliveries of ${id} (seen: ${JSON.stringify(seen.map((d) => d.status))})`,
      async () => {
        seen = await deliveries(id);
        return seen.length === count && seen.every((d) => d.status === 'delivered') && seen;
      },
    );
  }

  it('delivers to a healthy receiver while a hung one holds only its own slots', async () => {
    let letGo!: () => void;
    const hang = new Promise<void>((resolve) => (letGo = resolve));
    receiver.answer('/hung', () => ({ status: 200, until: hang }));
    try {
      const hung = await subscribe('/hung');
      const healthy = await subscribe('/healthy');
      // The hung receiver's deliveries are queued first: without a per-subscription limit they
      // fill every delivery slot, and the healthy ones wait for the hung ones' timeouts.
      await ping(hung, HUNG_PINGS);
      await ping(healthy, HEALTHY_PINGS);

      await allDelivered(healthy, HEALTHY_PINGS);
      await waitFor('the hung receiver to hold 2 requests', () => receiver.openAt('/hung') === 2);
      expect(receiver.at('/hung')).toHaveLength(2);
      expect(receiver.mostOpenAt('/hung')).toBe(2);
      // The others wait, unattempted, for one of the two to end.
      const waiting = await deliveries(hung);
      expect(waiting).toHaveLength(HUNG_PINGS);
      expect(waiting.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);

      letGo();
      // Handed the freed slots at once (not left to the minute sweep), each sent once.
      const sent = await allDelivered(hung, HUNG_PINGS);
      expect(sent.every((d) => d.attempts === 1)).toBe(true);
      const received = receiver.at('/hung').map((r) => r.headers['x-oracxpred-delivery']);
      expect(received.toSorted()).toEqual(sent.map((d) => d.id).toSorted());
      expect(receiver.mostOpenAt('/hung')).toBe(2);
    } finally {
      letGo();
    }
  });
});
