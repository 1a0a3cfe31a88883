import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from './rate-limiter';

const AUTH_RATE_LIMITED = 'oracxpred:auth-rate-limited';

/** Sign-in, registration and refresh: also limited by the tighter per-address `auth` budget. */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMITED, true);

/**
 * Applies the RateLimiter to every route. Runs before the access guard, so even refused calls
 * are counted. Ours rather than @nestjs/throttler's guard, which reads ten metadata keys per
 * request for overrides this service never uses, on its hottest path.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  /** Whether a handler is a sign-in route, looked up once per handler. */
  private readonly authRoutes = new WeakMap<object, boolean>();

  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const breach = await this.limiter.check(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      this.isAuthRoute(context.getHandler()),
    );
    if (breach) throw breach;
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
}
