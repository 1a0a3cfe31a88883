import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Omittable } from '../common/http/omittable';
import { PageQuery } from '../common/http/pagination';
import { DeliveryStatus, WebhookDelivery, WebhookSubscription } from './entities';
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events';

const URL_EXAMPLE = 'https://hooks.example.org/oracxpred';

export class CreateWebhookBody {
  @ApiProperty({
    example: URL_EXAMPLE,
    maxLength: 2048,
    description:
      'https (http only where WEBHOOK_ALLOW_HTTP is on); its host must resolve to public addresses ' +
      'unless WEBHOOK_ALLOWED_NETWORKS allows them',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['match.finished'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events!: WebhookEvent[];

  @ApiPropertyOptional({ example: 'results into our CRM', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class UpdateWebhookBody {
  @ApiPropertyOptional({ example: URL_EXAMPLE, maxLength: 2048 })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: WebhookEvent[];

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class WebhookListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Admins: only this account's webhooks" })
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  ownerId!: string;
  @ApiProperty({ example: URL_EXAMPLE })
  url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true })
  events!: WebhookEvent[];
  @ApiProperty({ nullable: true, type: String })
  description!: string | null;
  @ApiProperty({ description: 'False once disabled after repeated failures' })
  active!: boolean;
  @ApiProperty({ nullable: true, type: Date })
  disabledAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, example: null })
  disabledReason!: string | null;
  @ApiProperty({ description: 'Deliveries failed for good since the last success' })
  consecutiveFailures!: number;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty()
  secretRotatedAt!: Date;
  @ApiProperty({
    nullable: true,
    type: Date,
    description:
      'Until when the secret replaced by the last rotation also signs deliveries (while in the future); null: it stopped at once, or no rotation yet',
  })
  previousSecretExpiresAt!: Date | null;
  @ApiProperty({
    type: () => [PreviousSecretView],
    description:
      'Every earlier secret still signing deliveries alongside the current one, newest first',
  })
  previousSecrets!: PreviousSecretView[];

  static of(subscription: WebhookSubscription): WebhookView {
    return {
      id: subscription.id,
      ownerId: subscription.owner.id,
      url: subscription.url,
      events: subscription.events,
      description: subscription.description,
      active: subscription.disabledAt === null,
      disabledAt: subscription.disabledAt,
      disabledReason: subscription.disabledReason,
      consecutiveFailures: subscription.consecutiveFailures,
      createdAt: subscription.createdAt,
      secretRotatedAt: subscription.secretRotatedAt,
      previousSecretExpiresAt: subscription.previousSecretExpiresAt,
      previousSecrets: PreviousSecretView.of(subscription),
    };
  }
}

/** A secret rotated out that still signs (the secret itself is never shown again). */
export class PreviousSecretView {
  @ApiProperty({ description: 'When it was rotated out' })
  retiredAt!: Date;
  @ApiProperty({ description: 'When it stops signing deliveries' })
  expiresAt!: Date;

  static of(subscription: WebhookSubscription, now = new Date()): PreviousSecretView[] {
    return subscription.signingPreviousSecrets(now).map(({ retiredAt, expiresAt }) => ({
      retiredAt: new Date(retiredAt),
      expiresAt: new Date(expiresAt),
    }));
  }
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({
    example: 'whsec_3q2+7w…',
    description: 'The signing secret, shown in this response only (rotate it to get a new one)',
  })
  secret!: string;
}

/** A day: long enough to roll a receiver's configuration out; 0 stops every old secret at once. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 86_400;

export class RotateSecretBody {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 7 * 86_400,
    default: DEFAULT_SECRET_OVERLAP_SECONDS,
    description:
      'How long the old secret keeps signing deliveries alongside the new one (X-OracXPred-Signature then lists both); secrets rotated out earlier keep their own overlap. 0 stops every old secret now, e.g. after a leak',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 86_400)
  overlapSeconds?: number;
}

export class WebhookSecretView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ description: 'The new signing secret, shown this once' })
  secret!: string;
  @ApiProperty()
  secretRotatedAt!: Date;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'Until when the replaced secret also signs deliveries; null: it stopped now',
  })
  previousSecretExpiresAt!: Date | null;
  @ApiProperty({
    type: () => [PreviousSecretView],
    description:
      'Every earlier secret still signing alongside the new one, newest first (those rotated out before keep their own expiry)',
  })
  previousSecrets!: PreviousSecretView[];
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Also the idempotency key (X-OracXPred-Delivery)' })
  id!: string;
  @ApiProperty({ example: 'match.finished' })
  event!: string;
  @ApiProperty({ enum: DeliveryStatus })
  status!: DeliveryStatus;
  @ApiProperty({ description: 'Attempts made so far' })
  attempts!: number;
  @ApiProperty({ nullable: true, type: Number, example: 200 })
  lastResponseStatus!: number | null;
  @ApiProperty({ nullable: true, type: String, example: null })
  lastError!: string | null;
  @ApiProperty({ nullable: true, type: Number })
  lastDurationMs!: number | null;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date })
  lastAttemptAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'Approximate time of the next attempt' })
  nextAttemptAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date })
  deliveredAt!: Date | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The body sent: {id, event, createdAt, data}',
  })
  payload!: Record<string, unknown>;

  static of(delivery: WebhookDelivery): WebhookDeliveryView {
    return {
      id: delivery.id,
      event: delivery.event,
      status: delivery.status,
      attempts: delivery.attempts,
      lastResponseStatus: delivery.lastResponseStatus,
      lastError: delivery.lastError,
      lastDurationMs: delivery.lastDurationMs,
      createdAt: delivery.createdAt,
      lastAttemptAt: delivery.lastAttemptAt,
      nextAttemptAt: delivery.nextAttemptAt,
      deliveredAt: delivery.deliveredAt,
      payload: JSON.parse(delivery.payload) as Record<string, unknown>,
    };
  }
}
