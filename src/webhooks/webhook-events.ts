import type { DomainEventMap } from '../common/events/domain-events';

/** Events a subscription may ask for; each is a domain event of the same name. */
export const WEBHOOK_EVENTS = [
  'match.finished',
  'match.cancelled',
  'match.rescheduled',
  'prediction.updated',
  'model.promoted',
  'import.finished',
  'training.finished',
] as const satisfies ReadonlyArray<keyof DomainEventMap>;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent only on request (POST /v1/webhooks/{id}/ping), to test a receiver; never subscribed to. */
export const PING_EVENT = 'ping';
export type DeliveredEvent = WebhookEvent | typeof PING_EVENT;

/** The JSON body of every delivery. `id` is the delivery id: receivers deduplicate on it. */
export interface WebhookEnvelope {
  id: string;
  event: DeliveredEvent;
  createdAt: string;
  data: unknown;
}
