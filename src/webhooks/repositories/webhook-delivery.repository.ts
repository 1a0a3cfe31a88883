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
}
