/**
 * Per-subscription limit on the deliveries sent at once. A receiver that accepts connections and
 * never answers would otherwise hold every delivery slot until its timeouts, and starve every
 * other subscription. A delivery over the limit gives its job slot back at once and waits here,
 * in order, until one of its subscription's deliveries ends.
 *
 * On Redis when REDIS_URL is set (one limit shared by every replica, RedisReceiverSlots), else in
 * process memory (MemoryReceiverSlots). tryAcquire and release never throw: a store that cannot
 * answer lets the delivery go (logged), as the rate limits do.
 */
export abstract class ReceiverSlots {
  abstract readonly backend: 'redis' | 'memory';
  /**
   * Takes a slot of the subscription for the delivery and returns the holder to release; undefined
   * when all are taken, the delivery then waiting (once) for release() to hand it back.
   */
  abstract tryAcquire(subscriptionId: string, deliveryId: string): Promise<string | undefined>;
  /** Frees the holder's slot; returns the delivery that has waited longest, to be queued again. */
  abstract release(subscriptionId: string, holder: string): Promise<string | undefined>;
  /** Deliveries of the subscription being sent now. */
  abstract inFlightFor(subscriptionId: string): Promise<number>;
  abstract close(): Promise<void>;
}
