import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AddressPolicy } from '../common/net/address-policy';
import { MemoryReceiverSlots } from './memory-receiver-slots';
import { ReceiverSlots } from './receiver-slots';
import { RedisReceiverSlots } from './redis-receiver-slots';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** A slot outlives the longest delivery by this much before it is taken for a dead process's. */
const SLOT_HOLD_MARGIN_MS = 60_000;

/**
 * The per-subscription delivery slots on Redis when REDIS_URL is set (one limit shared by every
 * replica), else in memory.
 */
function createReceiverSlots(config: AppConfig): ReceiverSlots {
  const { maxInFlightPerSubscription, timeoutMs } = config.webhooks;
  const redisUrl = config.redisUrl;
  new Logger('Webhooks').log(
    redisUrl
      ? 'webhook delivery slots shared through Redis'
      : 'REDIS_URL not set: webhook delivery slots per process',
  );
  return redisUrl
    ? new RedisReceiverSlots(
        redisUrl,
        `${config.queuePrefix}:webhook-slots:`,
        maxInFlightPerSubscription,
        timeoutMs + SLOT_HOLD_MARGIN_MS,
      )
    : new MemoryReceiverSlots(maxInFlightPerSubscription);
}

@Injectable()
class ReceiverSlotsLifecycle implements OnApplicationShutdown {
  constructor(private readonly slots: ReceiverSlots) {}
  async onApplicationShutdown(): Promise<void> {
    await this.slots.close();
  }
}

/** Signed event delivery to subscribers' URLs (issue 7, "Webhooks"). */
@Module({
  controllers: [WebhooksController],
  providers: [
    {
      provide: AddressPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AddressPolicy(config.webhooks.allowedNetworks),
    },
    { provide: ReceiverSlots, inject: [AppConfig], useFactory: createReceiverSlots },
    ReceiverSlotsLifecycle,
    WebhookDeliveryService,
    WebhooksService,
  ],
})
export class WebhooksModule {}
