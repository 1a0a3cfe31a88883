import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationProblem } from '../problem/problem.exception';

/** Nest's metadata key for a handler's parameter decorators, and the type number of @Query. */
const ROUTE_ARGS_METADATA = '__routeArguments__';
const QUERY_PARAMETER = 4;

/**
 * Routes that take no query parameters refuse any (400 naming each): `?country=england` on a
 * route without such a filter would otherwise answer as if it had filtered. Routes with a @Query
 * DTO already refuse unknown ones (the validation pipe's whitelist).
 */
@Injectable()
export class QueryParametersGuard implements CanActivate {
  /** Per handler, looked up once: whether it reads the query at all. */
  private readonly readsQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let reads = this.readsQuery.get(handler);
    if (reads === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, unknown>;
      reads = Object.keys(args).some((key) => Number(key.split(':')[0]) === QUERY_PARAMETER);
      this.readsQuery.set(handler, reads);
    }
    if (reads) return true;
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as object | undefined;
    const names = Object.keys(query ?? {});
    if (names.length === 0) return true;
    throw new ValidationProblem(
      names.map((field) => ({ field, reason: `${field} is not a query parameter of this route` })),
    );
  }
}
