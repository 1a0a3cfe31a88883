import { ReceiverSlots } from './receiver-slots';

/** The slots of this process alone, without Redis (see ReceiverSlots). */
export class MemoryReceiverSlots extends ReceiverSlots {
  readonly backend = 'memory';
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, string[]>();

  constructor(private readonly perSubscription: number) {
    super();
  }

  async tryAcquire(subscriptionId: string, deliveryId: string): Promise<string | undefined> {
    const taken = this.inFlight.get(subscriptionId) ?? 0;
    if (taken < this.perSubscription) {
      this.inFlight.set(subscriptionId, taken + 1);
      return deliveryId;
    }
    const queue = this.waiting.get(subscriptionId) ?? [];
    if (!queue.includes(deliveryId)) queue.push(deliveryId);
    this.waiting.set(subscriptionId, queue);
    return undefined;
  }

  /** The slots are counted, not named: any holder frees one. */
  async release(subscriptionId: string, _holder: string): Promise<string | undefined> {
    const taken = (this.inFlight.get(subscriptionId) ?? 1) - 1;
    if (taken > 0) this.inFlight.set(subscriptionId, taken);
    else this.inFlight.delete(subscriptionId);
    const queue = this.waiting.get(subscriptionId);
    const next = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(subscriptionId);
    return next;
  }

  async inFlightFor(subscriptionId: string): Promise<number> {
    return this.inFlight.get(subscriptionId) ?? 0;
  }

  async close(): Promise<void> {}
}
