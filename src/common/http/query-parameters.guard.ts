import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationProblem } from '../problem/problem.exception';

/** Nest's metadata key for a handler's parameter decorators, and the type number of @Query. */
const ROUTE_ARGS_METADATA = '__routeArguments__';
const QUERY_PARAMETER = 4;

/**
 * Routes that take no query parameters refuse any (400 naming each): `?country=england` on a
 * route without such a filter would otherwise answer as if it had filtered. Routes with a @Query
 * DTO already refuse unknown ones (the validation pipe's whitelist); routes that read named
 * parameters (`@Query('model')`) refuse any other (`?modle=` would otherwise be ignored).
 */
@Injectable()
export class QueryParametersGuard implements CanActivate {
  /** Per handler, looked up once: the names it reads, or 'all' when it takes a whole query DTO. */
  private readonly accepted = new WeakMap<object, ReadonlySet<string> | 'all'>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let accepted = this.accepted.get(handler);
    if (accepted === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, { data?: unknown }>;
      const queries = Object.entries(args)
        .filter(([key]) => Number(key.split(':')[0]) === QUERY_PARAMETER)
        .map(([, arg]) => arg.data);
      accepted = queries.some((data) => typeof data !== 'string')
        ? 'all'
        : new Set(queries as string[]);
      this.accepted.set(handler, accepted);
    }
    if (accepted === 'all') return true;
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as object | undefined;
    const names = Object.keys(query ?? {}).filter((name) => !accepted.has(name));
    if (names.length === 0) return true;
    throw new ValidationProblem(
      names.map((field) => ({ field, reason: `${field} is not a query parameter of this route` })),
    );
  }
}
