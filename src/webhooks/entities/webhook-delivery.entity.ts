import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryRepository } from '../repositories/webhook-delivery.repository';
import type { DeliveredEvent } from '../webhook-events';
import { WebhookSubscription } from './webhook-subscription.entity';

export enum DeliveryStatus {
  /** Queued, not attempted yet. */
  Pending = 'pending',
  /** An attempt failed; another one is scheduled. */
  Retrying = 'retrying',
  Delivered = 'delivered',
  /** Every attempt failed, or the receiver's address was refused. */
  Failed = 'failed',
  /** Not attempted (again): the subscription was disabled meanwhile. */
  Cancelled = 'cancelled',
}

export const FINAL_DELIVERY_STATUSES = [
  DeliveryStatus.Delivered,
  DeliveryStatus.Failed,
  DeliveryStatus.Cancelled,
];

/** One event for one subscription: its exact body, and how its attempts went. */
@Entity({ tableName: 'webhook_deliveries', repository: () => WebhookDeliveryRepository })
@Index({
  name: 'webhook_deliveries_subscription_created_idx',
  properties: ['subscription', 'createdAt'],
})
export class WebhookDelivery {
  [EntityRepositoryType]?: WebhookDeliveryRepository;

  /** Also the idempotency key: sent as X-OracXPred-Delivery and as the body's `id`. */
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => WebhookSubscription, { deleteRule: 'cascade' })
  subscription!: WebhookSubscription;

  @Property({ type: 'text' })
  event!: DeliveredEvent;

  /** The JSON body, byte for byte as sent on every attempt (text, not jsonb: key order kept). */
  @Property({ type: 'text' })
  payload!: string;

  @Enum({ items: () => DeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: DeliveryStatus & Opt = DeliveryStatus.Pending;

  @Property({ type: 'smallint', default: 0 })
  attempts: number & Opt = 0;

  @Property({ type: 'smallint', nullable: true })
  lastResponseStatus: number | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'integer', nullable: true })
  lastDurationMs: number | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastAttemptAt: Date | null = null;

  /** When the next attempt is due (approximately: the queue's backoff decides). */
  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  deliveredAt: Date | null = null;
}
