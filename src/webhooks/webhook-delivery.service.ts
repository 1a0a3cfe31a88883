import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../config/app-config';
import { DomainEvents } from '../common/events/domain-events';
import { AddressPolicy, AddressRefused } from '../common/net/address-policy';
import { METRICS } from '../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../infrastructure/metrics/metrics.service';
import { JobContext, JobQueue } from '../infrastructure/queue/job-queue';
import { AuditService } from '../auth/audit/audit.service';
import {
  DeliveryStatus,
  FINAL_DELIVERY_STATUSES,
  WebhookDelivery,
  WebhookSubscription,
} from './entities';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
  TIMESTAMP_HEADER,
} from './signature';
import { WEBHOOK_EVENTS, type DeliveredEvent, type WebhookEnvelope } from './webhook-events';
import { ReceiverSlots } from './receiver-slots';
import { sendWebhook, type SendOutcome } from './webhook-sender';

export const WEBHOOK_QUEUE = 'webhooks';
export const RETENTION_QUEUE = 'webhook-retention';
const RETENTION_CRON = '23 3 * * *';
export const REQUEUE_QUEUE = 'webhook-requeue';
const REQUEUE_CRON = '* * * * *';
/** A delivery never attempted this long after it was made has lost its job. */
const UNATTEMPTED_AFTER_MS = 120_000;
const REQUEUE_BATCH = 500;
const DAY_MS = 86_400_000;
/**
 * Deliveries run in parallel: one slow receiver must not hold up the others (each subscription
 * takes at most WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION at once, across replicas with Redis, see
 * ReceiverSlots).
 */
const CONCURRENCY = 10;
/** How long a delivery handed a freed slot waits for its earlier job to finish being recorded. */
const RESUME_WAIT_MS = 5_000;
const RESUME_POLL_MS = 20;

interface DeliveryJob {
  deliveryId: string;
}

/**
 * Turns domain events into deliveries (one row and one queued job per subscription and event)
 * and runs the jobs: address check, signed POST, retries with exponential backoff, and the
 * disabling of a subscription after WEBHOOK_DISABLE_AFTER_FAILURES failed deliveries in a row.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly attempts;
  private readonly duration;

  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly addresses: AddressPolicy,
    private readonly audit: AuditService,
    private readonly slots: ReceiverSlots,
    metrics: MetricsService,
  ) {
    this.attempts = metrics.counter(METRICS.webhookDeliveries);
    this.duration = metrics.histogram(METRICS.webhookDeliveryDuration);
  }

  onModuleInit(): void {
    // Every process listens: the one that did the work (and emitted the event) queues deliveries.
    for (const event of WEBHOOK_EVENTS) {
      this.events.on(event, async (data) => {
        await this.publish(event, data);
      });
    }
    this.queue.process<DeliveryJob, void>(WEBHOOK_QUEUE, (job) => this.deliver(job), CONCURRENCY);
    // At-least-once: deliveries whose job was never queued, or was lost, are queued again.
    this.queue.process(REQUEUE_QUEUE, () => this.requeueUnattempted());
    void this.queue
      .schedule(REQUEUE_QUEUE, 'requeue-deliveries', REQUEUE_CRON, {})
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not schedule the delivery requeue'),
      );
    const { retentionDays } = this.config.webhooks;
    if (retentionDays > 0) {
      this.queue.process(RETENTION_QUEUE, () => this.prune(retentionDays));
      // Not awaited: a start must not wait for Redis (readiness reports it); Bull sends the
      // schedule once connected.
      void this.queue
        .schedule(RETENTION_QUEUE, 'prune-deliveries', RETENTION_CRON, {})
        .catch((error: unknown) =>
          this.logger.error({ err: error }, 'could not schedule the delivery log clean-up'),
        );
    }
  }

  /** Drops the delivery log's finished entries older than the retention (daily job). */
  async prune(retentionDays: number): Promise<number> {
    const before = new Date(Date.now() - retentionDays * DAY_MS);
    const deleted = await this.em.fork().getRepository(WebhookDelivery).prune(before);
    if (deleted > 0) this.logger.log({ deleted, before }, 'old webhook deliveries deleted');
    return deleted;
  }

  /** Queues `event` for every active subscription to it; returns the deliveries' ids. */
  async publish(event: DeliveredEvent, data: unknown, only?: string): Promise<string[]> {
    const em = this.em.fork();
    const subscriptionIds = only
      ? [only]
      : await em.getRepository(WebhookSubscription).subscriberIds(event);
    if (subscriptionIds.length === 0) return [];
    const createdAt = new Date();
    const rows = subscriptionIds.map((subscriptionId) => {
      const id = randomUUID();
      const envelope: WebhookEnvelope = { id, event, createdAt: createdAt.toISOString(), data };
      return { id, subscriptionId, event, payload: JSON.stringify(envelope), createdAt };
    });
    // A subscription deleted since it was read is skipped, not a failure for all the others.
    const inserted = new Set(await em.getRepository(WebhookDelivery).insertPending(rows));
    const ids = rows.map((row) => row.id).filter((id) => inserted.has(id));
    for (const id of ids) {
      try {
        await this.enqueue(id);
      } catch (error) {
        // Stored as pending: requeueUnattempted() queues it once the queue answers again.
        this.logger.error({ err: error, deliveryId: id }, 'could not queue a delivery');
      }
    }
    return ids;
  }

  /**
   * Queues the deliveries that were made but never attempted, or whose retry is long overdue (see
   * REQUEUE_CRON); returns them.
   */
  async requeueUnattempted(): Promise<string[]> {
    const before = new Date(Date.now() - UNATTEMPTED_AFTER_MS);
    const ids = await this.em
      .fork()
      .getRepository(WebhookDelivery)
      .unattempted(before, REQUEUE_BATCH);
    // The delivery id is the job id: a job still waiting in a backlog is not queued twice.
    for (const id of ids) await this.enqueue(id);
    if (ids.length > 0)
      this.logger.warn({ deliveries: ids.length }, 'unattempted deliveries queued again');
    return ids;
  }

  private enqueue(deliveryId: string): Promise<string> {
    const { maxAttempts, backoffMs } = this.config.webhooks;
    return this.queue.enqueue<DeliveryJob>(
      WEBHOOK_QUEUE,
      { deliveryId },
      { attempts: maxAttempts, backoffMs, jobId: deliveryId },
    );
  }

  private async deliver(job: JobContext<DeliveryJob>): Promise<void> {
    const em = this.em.fork();
    const delivery = await em.findOne(
      WebhookDelivery,
      { id: job.data.deliveryId },
      { populate: ['subscription.owner'], strategy: 'joined' },
    );
    // Gone with its subscription, or already final (a job re-run after a worker stalled).
    if (!delivery || FINAL_DELIVERY_STATUSES.includes(delivery.status)) return;
    const subscription = delivery.subscription;
    const event = delivery.event;
    // What publishing checks (WebhookSubscriptionRepository.subscriberIds), checked again at
    // every attempt: retries queued before the owner's account was disabled, or demoted to
    // viewer, are not sent.
    const owner = subscription.owner;
    const notSent = subscription.disabledAt
      ? 'the subscription is disabled'
      : owner.disabledAt
        ? "the owner's account is disabled"
        : owner.role === 'viewer'
          ? 'the owner may no longer use webhooks (viewer)'
          : undefined;
    if (notSent) {
      delivery.status = DeliveryStatus.Cancelled;
      delivery.lastError = `not attempted: ${notSent}`;
      delivery.nextAttemptAt = null;
      await em.flush();
      this.attempts.inc({ event, outcome: 'cancelled' });
      return;
    }
    // At its limit: the job ends without an attempt, so this slot serves other subscriptions;
    // the delivery is queued again when one of its subscription's deliveries ends.
    // The limit is shared by every replica when the slots live on Redis.
    const holder = await this.slots.tryAcquire(subscription.id, delivery.id);
    if (holder === undefined) return;
    try {
      await this.attempt(em, job, delivery);
    } finally {
      const next = await this.slots.release(subscription.id, holder);
      if (next) void this.resume(next);
    }
  }

  /**
   * Queues again a delivery that waited for a slot. Its earlier job returned but may still be
   * being marked finished, and an id whose job still runs is not queued again: wait for it.
   * Should this fail, the sweep (requeueUnattempted) queues it later.
   */
  private async resume(deliveryId: string): Promise<void> {
    try {
      const deadline = Date.now() + RESUME_WAIT_MS;
      while (
        (await this.queue.status(WEBHOOK_QUEUE, deliveryId))?.state === 'active' &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, RESUME_POLL_MS));
      }
      await this.enqueue(deliveryId);
    } catch (error) {
      this.logger.error({ err: error, deliveryId }, 'could not queue a delivery again');
    }
  }

  /** One attempt of a delivery that holds one of its subscription's slots. */
  private async attempt(
    em: EntityManager,
    job: JobContext<DeliveryJob>,
    delivery: WebhookDelivery,
  ): Promise<void> {
    const subscription = delivery.subscription;
    const event = delivery.event;
    const url = new URL(subscription.url);
    let outcome: SendOutcome;
    let refused = false;
    try {
      // Checked again at every attempt: DNS may have changed since the subscription was made.
      const addresses = await this.addresses.checkAll(url.hostname);
      const timestamp = Math.floor(Date.now() / 1000);
      outcome = await sendWebhook(
        url,
        addresses,
        {
          [EVENT_HEADER]: event,
          [DELIVERY_HEADER]: delivery.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureHeader(
            subscription.signingSecrets(),
            timestamp,
            delivery.payload,
          ),
        },
        delivery.payload,
        this.config.webhooks.timeoutMs,
      );
      this.duration.observe(
        { event, result: outcome.ok ? 'success' : 'failure' },
        outcome.durationMs / 1000,
      );
    } catch (error) {
      if (!(error instanceof AddressRefused)) throw error;
      refused = true;
      outcome = {
        ok: false,
        status: null,
        error: `address refused: ${error.message}`,
        durationMs: 0,
      };
    }

    // Counted by the delivery, not the job: a job queued again by the sweep starts at 1.
    const attempt = delivery.attempts + 1;
    const now = new Date();
    Object.assign(delivery, {
      attempts: attempt,
      lastAttemptAt: now,
      lastResponseStatus: outcome.status,
      lastError: outcome.error,
      lastDurationMs: outcome.durationMs,
      nextAttemptAt: null,
    });
    const subscriptions = em.getRepository(WebhookSubscription);
    if (outcome.ok) {
      delivery.status = DeliveryStatus.Delivered;
      delivery.deliveredAt = now;
      await em.flush();
      // Not only when the count read before the send was above 0: deliveries run in parallel, and
      // one may have failed for good while this one was being sent.
      await subscriptions.resetFailures(subscription.id);
      this.attempts.inc({ event, outcome: 'delivered' });
      return;
    }
    // A refused address is final at once: retrying would only knock on the same door. So is
    // 410 Gone: the receiver says the endpoint is gone for good (RFC 9110 15.5.11).
    const gone = outcome.status === 410;
    if (
      !refused &&
      !gone &&
      attempt < this.config.webhooks.maxAttempts &&
      job.attempt < job.maxAttempts
    ) {
      delivery.status = DeliveryStatus.Retrying;
      delivery.nextAttemptAt = new Date(
        now.getTime() + this.config.webhooks.backoffMs * 2 ** (job.attempt - 1),
      );
      await em.flush();
      this.attempts.inc({ event, outcome: 'retrying' });
      throw new Error(`webhook delivery ${delivery.id} failed: ${outcome.error}`);
    }
    delivery.status = DeliveryStatus.Failed;
    await em.flush();
    this.attempts.inc({ event, outcome: refused ? 'refused' : 'failed' });
    this.logger.warn(
      { deliveryId: delivery.id, subscriptionId: subscription.id, event, error: outcome.error },
      'webhook delivery failed',
    );
    await this.countFailure(subscription.id, outcome.error ?? 'failed', gone);
  }

  /**
   * One more failed delivery in a row; at the configured limit the subscription is disabled, and
   * at once when the receiver answered 410 Gone.
   */
  private async countFailure(
    subscriptionId: string,
    lastError: string,
    gone: boolean,
  ): Promise<void> {
    const subscriptions = this.em.fork().getRepository(WebhookSubscription);
    const failures = await subscriptions.recordFailure(subscriptionId);
    const limit = this.config.webhooks.disableAfterFailures;
    if (failures < limit && !gone) return;
    const reason = (
      gone
        ? `the receiver answered 410 Gone: ${lastError}`
        : `${failures} consecutive deliveries failed; the last: ${lastError}`
    ).slice(0, 1000);
    if (!(await subscriptions.disable(subscriptionId, reason))) return;
    this.logger.warn({ subscriptionId, failures, gone }, 'webhook subscription disabled');
    await this.audit.record({
      action: 'webhook.disable',
      actor: 'system',
      target: { webhookId: subscriptionId },
      details: { consecutiveFailures: failures, ...(gone ? { gone: true } : {}) },
    });
  }
}
