// Unit-test support (not built, not in coverage): what every ReceiverSlots store promises.
import type { ReceiverSlots } from './receiver-slots';

/**
 * The behaviour of one store as the delivery service sees it, as one test body, run against the
 * memory store and the Redis store alike. `create` gives a new, empty store with the limit; the
 * contract closes it after the test.
 */
export function receiverSlotsContract(create: (perSubscription: number) => ReceiverSlots): void {
  const opened: ReceiverSlots[] = [];
  const slots = (perSubscription: number) => {
    const store = create(perSubscription);
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('lets each subscription send at most its limit at once; others are not affected', async () => {
    const store = slots(2);
    expect(await store.tryAcquire('hung', 'd1')).toBeDefined();
    expect(await store.tryAcquire('hung', 'd2')).toBeDefined();
    expect(await store.tryAcquire('hung', 'd3')).toBeUndefined();
    expect(await store.tryAcquire('healthy', 'e1')).toBeDefined();
    expect(await store.inFlightFor('hung')).toBe(2);
    expect(await store.inFlightFor('healthy')).toBe(1);
  });

  it('hands the freed slot to the delivery that has waited longest, each once', async () => {
    const store = slots(1);
    const first = await store.tryAcquire('s', 'd1');
    expect(first).toBeDefined();
    expect(await store.tryAcquire('s', 'd2')).toBeUndefined();
    expect(await store.tryAcquire('s', 'd3')).toBeUndefined();
    // Queued again (a sweep) while it waits: still one place in the line.
    expect(await store.tryAcquire('s', 'd2')).toBeUndefined();
    expect(await store.release('s', first!)).toBe('d2');
    expect(await store.inFlightFor('s')).toBe(0);
    const second = await store.tryAcquire('s', 'd2');
    expect(second).toBeDefined();
    expect(await store.release('s', second!)).toBe('d3');
    expect(await store.release('s', second!)).toBeUndefined();
  });

  it('forgets a subscription with nothing in flight or waiting', async () => {
    const store = slots(1);
    const holder = await store.tryAcquire('s', 'd1');
    expect(await store.release('s', holder!)).toBeUndefined();
    expect(await store.inFlightFor('s')).toBe(0);
    expect(await store.tryAcquire('s', 'd2')).toBeDefined();
  });
}
