import { EntityRepository } from '@mikro-orm/postgresql';
import type { WebhookSubscription } from '../entities/webhook-subscription.entity';

export class WebhookSubscriptionRepository extends EntityRepository<WebhookSubscription> {
  /**
   * Active subscriptions to `event` whose owner's account is enabled and may still use webhooks
   * (an owner demoted to viewer keeps the subscriptions, which pause until promoted again).
   */
  async subscriberIds(event: string): Promise<string[]> {
    const rows = await this.getEntityManager().execute<Array<{ id: string }>>(
      `select s.id from webhook_subscriptions s join users u on u.id = s.owner_id
        where s.disabled_at is null and u.disabled_at is null and u.role in ('user', 'admin')
          and s.events @> ?::jsonb`,
      [JSON.stringify([event])],
    );
    return rows.map((row) => row.id);
  }

  /** A page of subscriptions, newest first; all owners' when `ownerId` is null. */
  async page(
    ownerId: string | null,
    offset: number,
    limit: number,
  ): Promise<{ items: WebhookSubscription[]; total: number }> {
    const [items, total] = await this.findAndCount(ownerId ? { owner: ownerId } : {}, {
      orderBy: { createdAt: 'desc', id: 'asc' },
      offset,
      limit,
    });
    return { items, total };
  }

  /** Counts a failed delivery; returns the consecutive failures now recorded. */
  async recordFailure(id: string): Promise<number> {
    const [row] = await this.getEntityManager().execute<Array<{ consecutive_failures: number }>>(
      `update webhook_subscriptions set consecutive_failures = consecutive_failures + 1
        where id = ? returning consecutive_failures`,
      [id],
    );
    return row?.consecutive_failures ?? 0;
  }

  async resetFailures(id: string): Promise<void> {
    await this.getEntityManager().execute(
      `update webhook_subscriptions set consecutive_failures = 0
        where id = ? and consecutive_failures <> 0`,
      [id],
      'run',
    );
  }

  /** Disables an active subscription; false when it was disabled already (by another worker). */
  async disable(id: string, reason: string): Promise<boolean> {
    const result = (await this.getEntityManager().execute(
      `update webhook_subscriptions set disabled_at = now(), disabled_reason = ?
        where id = ? and disabled_at is null`,
      [reason, id],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows === 1;
  }
}
