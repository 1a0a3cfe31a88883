import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AddressPolicy } from '../common/net/address-policy';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Signed event delivery to subscribers' URLs (issue 7, "Webhooks"). */
@Module({
  controllers: [WebhooksController],
  providers: [
    {
      provide: AddressPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AddressPolicy(config.webhooks.allowedNetworks),
    },
    WebhookDeliveryService,
    WebhooksService,
  ],
})
export class WebhooksModule {}
