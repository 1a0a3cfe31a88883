export * from './webhook-subscription.entity';
export * from './webhook-delivery.entity';
