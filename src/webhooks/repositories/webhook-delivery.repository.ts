import { EntityRepository } from '@mikro-orm/postgresql';
import type { WebhookDelivery } from '../entities/webhook-delivery.entity';

export class WebhookDeliveryRepository extends EntityRepository<WebhookDelivery> {
  /** A subscription's deliveries, newest first. */
  async page(
    subscriptionId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: WebhookDelivery[]; total: number }> {
    const [items, total] = await this.findAndCount(
      { subscription: subscriptionId },
      { orderBy: { createdAt: 'desc', id: 'asc' }, offset, limit },
    );
    return { items, total };
  }

  /** Deletes finished deliveries created before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const result = (await this.getEntityManager().execute(
      `delete from webhook_deliveries
        where created_at < ? and status in ('delivered', 'failed', 'cancelled')`,
      [before],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows;
  }

  /**
   * Deliveries still pending with no attempt made, created before `before`: their job was never
   * queued (the queue was unreachable) or was lost with an in-process queue's process.
   */
  async unattempted(before: Date, limit: number): Promise<string[]> {
    const rows = await this.find(
      { status: 'pending' as WebhookDelivery['status'], attempts: 0, createdAt: { $lt: before } },
      { fields: ['id'], orderBy: { createdAt: 'asc' }, limit },
    );
    return rows.map((row) => row.id);
  }
}
