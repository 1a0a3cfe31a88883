import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import type { Principal } from '../../common/auth/principal';
import { ProblemException } from '../../common/problem/problem.exception';
import { Authenticator } from '../access/authenticator';

export const AUTH_THROTTLER = 'auth';

/**
 * Rate limits for every route, one budget per caller across all routes: per client address when
 * anonymous, per account with a token, per key (by its plan) with an API key. Sign-in routes
 * also draw on a tighter per-address budget (the `auth` throttler). Runs before the access
 * guard, so even refused calls are counted.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly limits: AppConfig['rateLimits'];

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly authenticator: Authenticator,
    config: AppConfig,
  ) {
    super(options, storage, reflector);
    this.limits = config.rateLimits;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return super.canActivate(context);
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    if (props.throttler.name === AUTH_THROTTLER) {
      return super.handleRequest({ ...props, getTracker: (req) => this.addressOf(req) });
    }
    const request = props.context.switchToHttp().getRequest<FastifyRequest>();
    const { principal } = await this.authenticator.authenticate(request);
    return super.handleRequest({
      ...props,
      limit: this.limitFor(principal),
      getTracker: (req) => (principal ? trackerOf(principal) : this.addressOf(req)),
    });
  }

  private limitFor(principal: Principal | undefined): number {
    if (!principal) return this.limits.anonymous;
    if (principal.via === 'apiKey')
      return this.limits.plans.get(principal.plan!) ?? this.limits.anonymous;
    return this.limits.user;
  }

  private async addressOf(request: Record<string, unknown>): Promise<string> {
    return `ip:${await super.getTracker(request)}`;
  }

  /** One budget per caller for all routes (the default keys each route separately). */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const suffix = detail.key.startsWith(`${AUTH_THROTTLER}:`) ? `-${AUTH_THROTTLER}` : '';
    void reply
      .header(`x-ratelimit-limit${suffix}`, detail.limit)
      .header(`x-ratelimit-remaining${suffix}`, 0)
      .header(`x-ratelimit-reset${suffix}`, detail.timeToBlockExpire);
    throw new ProblemException(
      429,
      'rate-limited',
      'Too many requests',
      `rate limit of ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s exceeded; retry after ${detail.timeToBlockExpire} s`,
      undefined,
      { 'retry-after': String(Math.max(1, detail.timeToBlockExpire)) },
    );
  }
}

function trackerOf(principal: Principal): string {
  return principal.via === 'apiKey' ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
}
