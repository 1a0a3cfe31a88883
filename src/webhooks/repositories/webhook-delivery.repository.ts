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

  /**
   * Inserts new deliveries, skipping those whose subscription no longer exists (deleted since it
   * was read): one vanished subscriber must not fail the insert of everybody else's. The
   * subscriptions are key-share locked, so one being deleted now is waited for, then skipped.
   * Returns the ids inserted.
   */
  async insertPending(
    rows: Array<{
      id: string;
      subscriptionId: string;
      event: string;
      payload: string;
      createdAt: Date;
    }>,
  ): Promise<string[]> {
    const inserted = await this.getEntityManager().execute<Array<{ id: string }>>(
      `insert into webhook_deliveries (id, subscription_id, event, payload, created_at)
       select x.id, x."subscriptionId", x.event, x.payload, x."createdAt"
         from jsonb_to_recordset(?::jsonb)
           as x(id uuid, "subscriptionId" uuid, event text, payload text, "createdAt" timestamptz)
         join webhook_subscriptions s on s.id = x."subscriptionId"
         for key share of s
       returning id`,
      [JSON.stringify(rows)],
    );
    return inserted.map((row) => row.id);
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
   * Deliveries still pending with no attempt made, created before `before`, or retrying with the
   * next attempt due before `before`: their job was never queued (the queue was unreachable) or
   * was lost with an in-process queue's process.
   */
  async unattempted(before: Date, limit: number): Promise<string[]> {
    const rows = await this.find(
      {
        $or: [
          {
            status: 'pending' as WebhookDelivery['status'],
            attempts: 0,
            createdAt: { $lt: before },
          },
          // A retry overdue by as long: its delayed job was lost the same ways.
          { status: 'retrying' as WebhookDelivery['status'], nextAttemptAt: { $lt: before } },
        ],
      },
      { fields: ['id'], orderBy: { createdAt: 'asc' }, limit },
    );
    return rows.map((row) => row.id);
  }
}
