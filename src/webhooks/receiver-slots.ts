/**
 * Per-subscription limit on the deliveries this process sends at once. A receiver that accepts
 * connections and never answers would otherwise hold every delivery slot until its timeouts, and
 * starve every other subscription. A delivery over the limit gives its slot back at once and
 * waits here, in order, until one of its subscription's deliveries ends.
 */
export class ReceiverSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, string[]>();

  constructor(private readonly perSubscription: number) {}

  /**
   * Takes a slot of the subscription for the delivery; false when all are taken, the delivery
   * then waiting (once) for release() to hand it back.
   */
  tryAcquire(subscriptionId: string, deliveryId: string): boolean {
    const taken = this.inFlight.get(subscriptionId) ?? 0;
    if (taken < this.perSubscription) {
      this.inFlight.set(subscriptionId, taken + 1);
      return true;
    }
    const queue = this.waiting.get(subscriptionId) ?? [];
    if (!queue.includes(deliveryId)) queue.push(deliveryId);
    this.waiting.set(subscriptionId, queue);
    return false;
  }

  /** Frees a slot; returns the delivery that has waited longest for one, to be queued again. */
  release(subscriptionId: string): string | undefined {
    const taken = (this.inFlight.get(subscriptionId) ?? 1) - 1;
    if (taken > 0) this.inFlight.set(subscriptionId, taken);
    else this.inFlight.delete(subscriptionId);
    const queue = this.waiting.get(subscriptionId);
    const next = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(subscriptionId);
    return next;
  }

  /** Deliveries of the subscription being sent now. */
  inFlightFor(subscriptionId: string): number {
    return this.inFlight.get(subscriptionId) ?? 0;
  }
}
