import { Injectable, OnModuleInit } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../config/app-config';
import { actsAsAdmin, type Principal } from '../common/auth/principal';
import { AddressPolicy, AddressRefused } from '../common/net/address-policy';
import {
  NotFoundProblem,
  ProblemException,
  ValidationProblem,
} from '../common/problem/problem.exception';
import { AuditService } from '../auth/audit/audit.service';
import { User } from '../auth/entities/user.entity';
import { PersonalDataRegistry } from '../auth/users/personal-data.registry';
import { WebhookDelivery, WebhookSubscription } from './entities';
import { receiverUrlProblem } from './receiver-url';
import { MAX_SIGNING_PREVIOUS_SECRETS, rotationLimitProblem } from './secret-rotation';
import { newWebhookSecret } from './signature';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { PING_EVENT, type WebhookEvent } from './webhook-events';

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  description?: string | null;
}

/** Where a change came from, for the audit log. */
export interface ActionMeta {
  ip: string;
  requestId: string;
}

/**
 * Subscriptions: users manage their own, admins everybody's. Another user's subscription is
 * answered with 404, exactly like a missing one, so ids reveal nothing.
 */
@Injectable()
export class WebhooksService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly addresses: AddressPolicy,
    private readonly deliveries: WebhookDeliveryService,
    private readonly audit: AuditService,
    private readonly personalData: PersonalDataRegistry,
  ) {}

  onModuleInit(): void {
    // The account's export lists its subscriptions (never their secrets: those are shown once).
    this.personalData.register('webhooks', async (userId) =>
      (
        await this.em
          .fork()
          .find(WebhookSubscription, { owner: userId }, { orderBy: { createdAt: 'asc' } })
      ).map(({ id, url, events, description, createdAt, disabledAt, disabledReason }) => ({
        id,
        url,
        events,
        description,
        createdAt,
        disabledAt,
        disabledReason,
      })),
    );
  }

  async create(
    principal: Principal,
    input: WebhookInput,
    meta: ActionMeta,
  ): Promise<WebhookSubscription> {
    const url = await this.checkUrl(input.url);
    const limit = this.config.webhooks.maxPerUser;
    const subscription = await this.em.fork().transactional(async (tx) => {
      // The owner's row locked: an account's concurrent creations count one after another, so
      // none can pass the limit together.
      await tx.findOneOrFail(User, principal.userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if ((await tx.count(WebhookSubscription, { owner: principal.userId })) >= limit) {
        throw new ProblemException(
          409,
          'webhook-limit',
          'Too many webhooks',
          `an account may have ${limit} webhooks; delete one first`,
        );
      }
      return tx.create(WebhookSubscription, {
        owner: tx.getReference(User, principal.userId),
        url,
        events: [...new Set(input.events)],
        description: input.description ?? null,
        secret: newWebhookSecret(),
      });
    });
    await this.record('webhook.create', principal, subscription, meta, {
      events: subscription.events,
    });
    return subscription;
  }

  async list(
    principal: Principal,
    ownerId: string | undefined,
    offset: number,
    limit: number,
  ): Promise<{ items: WebhookSubscription[]; total: number }> {
    // Admins see everybody's (optionally one owner's); anybody else only their own.
    const owner = actsAsAdmin(principal) ? (ownerId ?? null) : principal.userId;
    return this.em.fork().getRepository(WebhookSubscription).page(owner, offset, limit);
  }

  async get(principal: Principal, id: string): Promise<WebhookSubscription> {
    return this.visible(this.em.fork(), principal, id);
  }

  async update(
    principal: Principal,
    id: string,
    input: Partial<WebhookInput>,
    meta: ActionMeta,
  ): Promise<WebhookSubscription> {
    const url = input.url === undefined ? undefined : await this.checkUrl(input.url);
    const em = this.em.fork();
    const subscription = await this.visible(em, principal, id);
    if (url !== undefined) subscription.url = url;
    if (input.events !== undefined) subscription.events = [...new Set(input.events)];
    if (input.description !== undefined) subscription.description = input.description;
    await em.flush();
    await this.record('webhook.update', principal, subscription, meta, {
      fields: Object.keys(input),
    });
    return subscription;
  }

  async remove(principal: Principal, id: string, meta: ActionMeta): Promise<void> {
    const em = this.em.fork();
    const subscription = await this.visible(em, principal, id);
    em.remove(subscription);
    await em.flush();
    await this.record('webhook.delete', principal, subscription, meta);
  }

  /** Re-enables a disabled subscription (its URL is checked again) with a clean failure count. */
  async enable(principal: Principal, id: string, meta: ActionMeta): Promise<WebhookSubscription> {
    const em = this.em.fork();
    const subscription = await this.visible(em, principal, id);
    await this.checkUrl(subscription.url);
    const wasDisabled = subscription.disabledAt !== null;
    Object.assign(subscription, { disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
    await em.flush();
    await this.record('webhook.enable', principal, subscription, meta, { wasDisabled });
    return subscription;
  }

  /**
   * A new signing secret, used at once (also for retries of earlier deliveries). The one it
   * replaces keeps signing alongside it for `overlapSeconds`, so the receiver can switch without
   * rejecting deliveries meanwhile; secrets rotated out earlier keep the overlap they were given,
   * at most MAX_SIGNING_PREVIOUS_SECRETS at once. 0 is the emergency stop (after a leak): from
   * now on only the new secret signs, whatever earlier rotations promised.
   */
  async rotateSecret(
    principal: Principal,
    id: string,
    overlapSeconds: number,
    meta: ActionMeta,
  ): Promise<WebhookSubscription> {
    const subscription = await this.em.fork().transactional(async (tx) => {
      // Locked: two rotations at once must not both keep only their own view of the list.
      const locked = await this.visible(tx, principal, id, LockMode.PESSIMISTIC_WRITE);
      const now = new Date();
      const stillSigning = locked.signingPreviousSecrets(now);
      if (overlapSeconds > 0 && stillSigning.length >= MAX_SIGNING_PREVIOUS_SECRETS) {
        throw rotationLimitProblem(stillSigning, now);
      }
      const retired =
        overlapSeconds > 0
          ? [
              {
                secret: locked.secret,
                retiredAt: now.toISOString(),
                expiresAt: new Date(now.getTime() + overlapSeconds * 1000).toISOString(),
              },
            ]
          : [];
      Object.assign(locked, {
        previousSecrets: overlapSeconds > 0 ? [...retired, ...stillSigning] : [],
        secret: newWebhookSecret(),
        secretRotatedAt: now,
      });
      return locked;
    });
    await this.record('webhook.rotate-secret', principal, subscription, meta, { overlapSeconds });
    return subscription;
  }

  /** Queues a `ping` delivery to the subscription, to test the receiver. */
  async ping(principal: Principal, id: string): Promise<WebhookDelivery> {
    const subscription = await this.get(principal, id);
    if (subscription.disabledAt) {
      throw new ProblemException(
        409,
        'webhook-disabled',
        'Webhook disabled',
        `webhook ${id} is disabled (${subscription.disabledReason ?? 'no reason recorded'}); enable it first`,
      );
    }
    const [deliveryId] = await this.deliveries.publish(
      PING_EVENT,
      { webhookId: id, message: 'ping from OracXPred' },
      subscription.id,
    );
    // Deleted since it was read: nothing was queued.
    if (deliveryId === undefined) throw new NotFoundProblem('webhook', id);
    return this.em.fork().findOneOrFail(WebhookDelivery, { id: deliveryId });
  }

  async deliveryLog(
    principal: Principal,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ items: WebhookDelivery[]; total: number }> {
    const em = this.em.fork();
    await this.visible(em, principal, id);
    return em.getRepository(WebhookDelivery).page(id, offset, limit);
  }

  /**
   * The URL's form, then the addresses its host resolves to (400 naming `url` if refused).
   * Returns the URL as parsed, which is what deliveries go to: stored and shown so, an owner
   * sees the receiver's real address (not "http://2130706433/", " http://...", a tab in a path).
   */
  private async checkUrl(raw: string): Promise<string> {
    const problem = receiverUrlProblem(raw, this.config.webhooks.allowHttp);
    if (problem) throw new ValidationProblem([{ field: 'url', reason: problem }]);
    const url = new URL(raw);
    try {
      await this.addresses.check(url.hostname);
    } catch (error) {
      if (!(error instanceof AddressRefused)) throw error;
      throw new ValidationProblem([
        { field: 'url', reason: `refused: ${error.message} (receivers must be public)` },
      ]);
    }
    return url.href;
  }

  private async visible(
    em: EntityManager,
    principal: Principal,
    id: string,
    lockMode?: LockMode.PESSIMISTIC_WRITE,
  ): Promise<WebhookSubscription> {
    const subscription = await em.findOne(WebhookSubscription, { id }, { lockMode });
    if (!subscription || (!actsAsAdmin(principal) && subscription.owner.id !== principal.userId)) {
      throw new NotFoundProblem('webhook', id);
    }
    return subscription;
  }

  private record(
    action: string,
    actor: Principal,
    subscription: WebhookSubscription,
    meta: ActionMeta,
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      actor,
      target: { webhookId: subscription.id, ownerId: subscription.owner.id },
      details: details ?? null,
      meta,
    });
  }
}
