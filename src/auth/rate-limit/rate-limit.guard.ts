import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_RATE_LIMITED, NOT_RATE_LIMITED } from '../../common/auth/rate-limit.decorators';
import { RateLimiter } from './rate-limiter';

interface RouteLimits {
  exempt: boolean;
  auth: boolean;
}

/**
 * Applies the RateLimiter to every route. Runs before the access guard, so even refused calls
 * are counted. Ours rather than @nestjs/throttler's guard, which reads ten metadata keys per
 * request for overrides this service never uses, on its hottest path.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  /** How a handler is limited, looked up once per handler. */
  private readonly routes = new WeakMap<object, RouteLimits>();

  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const limits = this.limitsOf(context);
    if (limits.exempt) return true;
    const http = context.switchToHttp();
    const breach = await this.limiter.check(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      limits.auth,
    );
    if (breach) throw breach;
    return true;
  }

  private limitsOf(context: ExecutionContext): RouteLimits {
    const handler = context.getHandler();
    let limits = this.routes.get(handler);
    if (limits === undefined) {
      const marked = (key: string) =>
        Reflect.getMetadata(key, handler) === true ||
        Reflect.getMetadata(key, context.getClass()) === true;
      limits = { exempt: marked(NOT_RATE_LIMITED), auth: marked(AUTH_RATE_LIMITED) };
      this.routes.set(handler, limits);
    }
    return limits;
  }
}
