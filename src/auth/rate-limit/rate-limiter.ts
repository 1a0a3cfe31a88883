import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, normalizeIp, type ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';
import type { Principal } from '../../common/auth/principal';
import type { CallerReply, CallerRequest } from '../../common/http/caller-request';
import { ProblemException } from '../../common/problem/problem.exception';
import { Authenticator } from '../access/authenticator';

export const AUTH_THROTTLER = 'auth';
const DEFAULT_THROTTLER = 'default';

const headerNames = (suffix: string) => ({
  limit: `x-ratelimit-limit${suffix}`,
  remaining: `x-ratelimit-remaining${suffix}`,
  reset: `x-ratelimit-reset${suffix}`,
});
const HEADERS: Record<string, ReturnType<typeof headerNames>> = {
  [DEFAULT_THROTTLER]: headerNames(''),
  [AUTH_THROTTLER]: headerNames(`-${AUTH_THROTTLER}`),
};

/** The request's rate-limit count, memoised on it (declared on every request: see bootstrap). */
export const RATE_LIMIT_DRAWS = Symbol('rate-limit draws');
type MemoisedRequest = CallerRequest & { [RATE_LIMIT_DRAWS]?: Promise<Draw[]> };

/** One budget's count after this request. */
interface Draw {
  throttler: string;
  limit: number;
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Rate limits, one budget per caller across all routes: per client address when anonymous, per
 * account with a token, per key (by its plan) with an API key. Sign-in routes also draw on a
 * tighter per-address budget (the `auth` throttler). Counts live in @nestjs/throttler's storage
 * (Redis or memory). A request is counted once however many times it is checked: the cached
 * prediction fast path checks first, and the guard again if the request falls through to Nest.
 */
@Injectable()
export class RateLimiter {
  private readonly limits: AppConfig['rateLimits'];

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly authenticator: Authenticator,
    config: AppConfig,
  ) {
    this.limits = config.rateLimits;
  }

  /**
   * Counts the request (once), sets the X-RateLimit-* headers, and returns the 429 problem to
   * answer with when a budget is spent.
   */
  async check(
    request: CallerRequest,
    reply: Pick<CallerReply, 'header'>,
    authRoute: boolean,
  ): Promise<ProblemException | undefined> {
    // Kept on the request itself, like the authentication: cheaper than a WeakMap entry.
    const memo = request as MemoisedRequest;
    const draws = (memo[RATE_LIMIT_DRAWS] ??= this.count(request, authRoute));
    let breach: ProblemException | undefined;
    for (const draw of await draws) {
      const names = HEADERS[draw.throttler];
      reply.header(names.limit, draw.limit);
      reply.header(names.remaining, draw.isBlocked ? 0 : Math.max(0, draw.limit - draw.totalHits));
      reply.header(names.reset, draw.isBlocked ? draw.timeToBlockExpire : draw.timeToExpire);
      if (draw.isBlocked) breach ??= this.breach(draw);
    }
    return breach;
  }

  private async count(request: CallerRequest, authRoute: boolean): Promise<Draw[]> {
    // The address only when a budget is per address (normalising it is not free).
    const address = () => `ip:${normalizeIp(request.ip)}`;
    const { principal } = await this.authenticator.authenticate(request);
    const draws = [
      await this.draw(
        DEFAULT_THROTTLER,
        principal ? trackerOf(principal) : address(),
        this.limitFor(principal),
      ),
    ];
    // A caller already over its own budget is refused without spending the address's.
    if (authRoute && !draws[0].isBlocked) {
      draws.push(await this.draw(AUTH_THROTTLER, address(), this.limits.auth));
    }
    return draws;
  }

  private async draw(throttler: string, tracker: string, limit: number): Promise<Draw> {
    const ttl = this.limits.windowMs;
    const result = await this.storage.increment(
      `${throttler}:${tracker}`,
      ttl,
      limit,
      ttl,
      throttler,
    );
    return { throttler, limit, ...result };
  }

  private breach(draw: Draw): ProblemException {
    const seconds = Math.round(this.limits.windowMs / 1000);
    return new ProblemException(
      429,
      'rate-limited',
      'Too many requests',
      `rate limit of ${draw.limit} requests per ${seconds} s exceeded; retry after ${draw.timeToBlockExpire} s`,
      undefined,
      { 'retry-after': String(Math.max(1, draw.timeToBlockExpire)) },
    );
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
