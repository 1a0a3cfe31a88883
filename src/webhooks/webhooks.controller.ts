import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UuidParam } from '../common/http/id-param';
import { UserRoute } from '../common/auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../common/auth/principal';
import { PageQuery, setPageHeaders, pageOffset } from '../common/http/pagination';
import { ApiProblems } from '../common/problem/api-problems.decorator';
import {
  CreatedWebhookView,
  CreateWebhookBody,
  DEFAULT_SECRET_OVERLAP_SECONDS,
  PreviousSecretView,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookDeliveryView,
  WebhookListQuery,
  WebhookSecretView,
  WebhookView,
} from './webhooks.dto';
import { ActionMeta, WebhooksService } from './webhooks.service';

const meta = (request: FastifyRequest): ActionMeta => ({
  ip: request.ip,
  requestId: String(request.id),
});

/**
 * Webhook subscriptions: signed POSTs to a receiver when events happen. Users (and their API
 * keys with the `predict` scope) manage their own; admins everybody's.
 */
@ApiTags('webhooks')
@UserRoute()
@Controller({ path: 'webhooks', version: '1' })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Subscribe a receiver URL to events: the signing secret is in this response only',
    description:
      'Deliveries are POSTs of `{id, event, createdAt, data}` signed with `X-OracXPred-Signature: ' +
      'sha256=<hex HMAC-SHA256 of "<X-OracXPred-Timestamp>.<body>">` (README, "Webhooks"). ' +
      'A URL whose host resolves to a private, loopback or link-local address is refused (400).',
  })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  @ApiProblems(400, 409)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateWebhookBody,
    @Req() request: FastifyRequest,
  ): Promise<CreatedWebhookView> {
    const subscription = await this.webhooks.create(principal, body, meta(request));
    return { ...WebhookView.of(subscription), secret: subscription.secret };
  }

  @Get()
  @ApiOperation({ summary: 'Your webhooks, newest first (admins: everybody’s)' })
  @ApiOkResponse({ type: [WebhookView] })
  @ApiProblems(400)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhookListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookView[]> {
    const { items, total } = await this.webhooks.list(
      principal,
      query.ownerId,
      pageOffset(query),
      query.pageSize,
    );
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    return items.map(WebhookView.of);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A webhook: URL, events, state and failure count' })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.get(principal, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, events or description of a webhook' })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblems(400, 404)
  async update(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: UpdateWebhookBody,
    @Req() request: FastifyRequest,
  ): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.update(principal, id, body, meta(request)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.webhooks.remove(principal, id, meta(request));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-enable a webhook disabled after repeated failures (its URL is checked again)',
  })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblems(400, 404)
  async enable(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.enable(principal, id, meta(request)));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Replace the signing secret: the new one is in this response only',
    description:
      'The new secret signs from now on. The old one keeps signing alongside it for `overlapSeconds` (default a day), so a receiver can switch without rejecting deliveries; `overlapSeconds: 0` stops it at once. Secrets rotated out earlier keep their own expiry; while 3 of them still sign, a rotation with an overlap is refused (409, with Retry-After).',
  })
  @ApiOkResponse({ type: WebhookSecretView })
  @ApiProblems(400, 404, 409)
  async rotateSecret(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: RotateSecretBody,
    @Req() request: FastifyRequest,
  ): Promise<WebhookSecretView> {
    const subscription = await this.webhooks.rotateSecret(
      principal,
      id,
      body.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS,
      meta(request),
    );
    return {
      id: subscription.id,
      secret: subscription.secret,
      secretRotatedAt: subscription.secretRotatedAt,
      previousSecretExpiresAt: subscription.previousSecretExpiresAt,
      previousSecrets: PreviousSecretView.of(subscription),
    };
  }

  @Post(':id/ping')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a `ping` delivery to test the receiver' })
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  @ApiProblems(400, 404, 409)
  async ping(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<WebhookDeliveryView> {
    return WebhookDeliveryView.of(await this.webhooks.ping(principal, id));
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'The delivery log of a webhook, newest first: status, attempts, last answer',
  })
  @ApiOkResponse({ type: [WebhookDeliveryView] })
  @ApiProblems(400, 404)
  async deliveries(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookDeliveryView[]> {
    const { items, total } = await this.webhooks.deliveryLog(
      principal,
      id,
      pageOffset(query),
      query.pageSize,
    );
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    return items.map(WebhookDeliveryView.of);
  }
}
