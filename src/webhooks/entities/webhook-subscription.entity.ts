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

  /**
   * Secrets rotated out that still sign deliveries until their own expiry, newest first (ISO
   * times: JSON). Each keeps the overlap promised when it was rotated out, even if the secret is
   * rotated again meanwhile; expired ones are pruned at the next rotation.
   */
  @Property({ type: 'json', default: '[]' })
  previousSecrets: RetiredSecret[] & Opt = [];

  /** The previous secrets still signing at `now`, newest first. */
  signingPreviousSecrets(now = new Date()): RetiredSecret[] {
    return this.previousSecrets.filter((retired) => Date.parse(retired.expiresAt) > now.getTime());
  }

  /** The secrets that sign a delivery sent at `now`: the current one, then the previous ones. */
  signingSecrets(now = new Date()): string[] {
    return [this.secret, ...this.signingPreviousSecrets(now).map((retired) => retired.secret)];
  }

  /**
   * Until when the secret replaced by the last rotation signs (past once it stopped); null when
   * it stopped at once (overlapSeconds 0) or the secret was never rotated.
   */
  get previousSecretExpiresAt(): Date | null {
    const latest = this.previousSecrets[0];
    return latest && Date.parse(latest.retiredAt) === this.secretRotatedAt.getTime()
      ? new Date(latest.expiresAt)
      : null;
  }
}

/** A secret rotated out, and until when it keeps signing. */
export interface RetiredSecret {
  secret: string;
  /** When it was rotated out (ISO). */
  retiredAt: string;
  /** When it stops signing (ISO). */
  expiresAt: string;
}
