import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from '../../auth/entities/user.entity';
import { WebhookSubscriptionRepository } from '../repositories/webhook-subscription.repository';
import type { WebhookEvent } from '../webhook-events';

/**
 * A receiver URL and the events it wants. The signing secret is stored as it is (the server must
 * compute HMACs with it) and shown to the owner only when it is created or rotated.
 */
@Entity({ tableName: 'webhook_subscriptions', repository: () => WebhookSubscriptionRepository })
export class WebhookSubscription {
  [EntityRepositoryType]?: WebhookSubscriptionRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  /** Erasing the account erases its subscriptions (and their delivery log). */
  @Index({ name: 'webhook_subscriptions_owner_idx' })
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  owner!: User;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'json' })
  events!: WebhookEvent[];

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'text' })
  secret!: string;

  /** Null while active; set when disabled after repeated failures. */
  @Property({ type: 'datetime', nullable: true })
  disabledAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  disabledReason: string | null = null;

  /** Deliveries that failed for good since the last successful one. */
  @Property({ type: 'integer', default: 0 })
  consecutiveFailures: number & Opt = 0;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime' })
  secretRotatedAt: Date & Opt = new Date();

  /** The secret before the last rotation: it signs deliveries too until previousSecretExpiresAt. */
  @Property({ type: 'text', nullable: true })
  previousSecret: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  previousSecretExpiresAt: Date | null = null;

  /** The secrets that sign a delivery sent at `now`: the current one, then the previous one. */
  signingSecrets(now = new Date()): string[] {
    const previousValid =
      this.previousSecret !== null &&
      this.previousSecretExpiresAt !== null &&
      this.previousSecretExpiresAt.getTime() > now.getTime();
    return previousValid ? [this.secret, this.previousSecret!] : [this.secret];
  }
}
