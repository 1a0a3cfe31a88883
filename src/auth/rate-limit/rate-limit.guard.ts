import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { InjectThrottlerStorage, normalizeIp, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import type { Principal } from '../../common/auth/principal';
import { ProblemException } from '../../common/problem/problem.exception';
import { Authenticator } from '../access/authenticator';

export const AUTH_THROTTLER = 'auth';
const DEFAULT_THROTTLER = 'default';
const AUTH_RATE_LIMITED = 'oracxpred:auth-rate-limited';

/** Sign-in, registration and refresh: also limited by the tighter per-address `auth` budget. */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMITED, true);

/**
 * Rate limits for every route, one budget per caller across all routes: per client address when
 * anonymous, per account with a token, per key (by its plan) with an API key. Sign-in routes
 * also draw on a tighter per-address budget (the `auth` throttler). Runs before the access
 * guard, so even refused calls are counted. Counts live in @nestjs/throttler's storage (Redis
 * or memory); the guard itself is ours, since the library's reads ten metadata keys per request
 * for overrides this service never uses, on its hottest path.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits: AppConfig['rateLimits'];
  /** Whether a handler is a sign-in route, looked up once per handler. */
  private readonly authRoutes = new WeakMap<object, boolean>();

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly authenticator: Authenticator,
    config: AppConfig,
  ) {
    this.limits = config.rateLimits;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const address = `ip:${normalizeIp(request.ip)}`;
    const { principal } = await this.authenticator.authenticate(request);
    await this.draw(
      reply,
      DEFAULT_THROTTLER,
      principal ? trackerOf(principal) : address,
      this.limitFor(principal),
    );
    if (this.isAuthRoute(context.getHandler())) {
      await this.draw(reply, AUTH_THROTTLER, address, this.limits.auth);
    }
    return true;
  }

  private isAuthRoute(handler: object): boolean {
    let marked = this.authRoutes.get(handler);
    if (marked === undefined) {
      marked = Reflect.getMetadata(AUTH_RATE_LIMITED, handler) === true;
      this.authRoutes.set(handler, marked);
    }
    return marked;
  }

  /** Counts one request against a budget; sets the X-RateLimit-* headers; 429 when spent. */
  private async draw(
    reply: FastifyReply,
    throttler: string,
    tracker: string,
    limit: number,
  ): Promise<void> {
    const ttl = this.limits.windowMs;
    const suffix = throttler === DEFAULT_THROTTLER ? '' : `-${throttler}`;
    const { totalHits, timeToExpire, isBlocked, timeToBlockExpire } = await this.storage.increment(
      `${throttler}:${tracker}`,
      ttl,
      limit,
      ttl,
      throttler,
    );
    if (isBlocked) {
      void reply
        .header(`x-ratelimit-limit${suffix}`, limit)
        .header(`x-ratelimit-remaining${suffix}`, 0)
        .header(`x-ratelimit-reset${suffix}`, timeToBlockExpire);
      throw new ProblemException(
        429,
        'rate-limited',
        'Too many requests',
        `rate limit of ${limit} requests per ${Math.round(ttl / 1000)} s exceeded; retry after ${timeToBlockExpire} s`,
        undefined,
        { 'retry-after': String(Math.max(1, timeToBlockExpire)) },
      );
    }
    void reply
      .header(`x-ratelimit-limit${suffix}`, limit)
      .header(`x-ratelimit-remaining${suffix}`, Math.max(0, limit - totalHits))
      .header(`x-ratelimit-reset${suffix}`, timeToExpire);
  }

  private limitFor(principal: Principal | undefined): number {
    if (!principal) return this.limits.anonymous;
    if (principal.via === 'apiKey')
      return this.limits.plans.get(principal.plan!) ?? this.limits.anonymous;
    return this.limits.user;
  }
}

function trackerOf(principal: Principal): string {
  return principal.via === 'apiKey' ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
}
