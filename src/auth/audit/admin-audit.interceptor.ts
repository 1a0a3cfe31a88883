import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyRequest } from 'fastify';
import { catchError, concatMap, from, map, Observable, throwError } from 'rxjs';
import { AccessGuard, paramsOf } from '../access/access.guard';
import { requestMeta } from '../http/request-meta';
import { AuditService } from './audit.service';

/**
 * Records every call of an `@AdminRoute()` (mutating methods always; GET when the route asks
 * with `auditReads`): actor, action (method and route), target (route parameters), outcome and
 * status, client address and request id. The entry is written before the response is sent.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly guard: AccessGuard,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rule = context.getType() === 'http' ? this.guard.ruleOf(context) : null;
    if (!rule || rule.level !== 'admin') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method === 'GET' && !rule.auditReads) return next.handle();
    const record = (outcome: 'success' | 'failure', status: number) =>
      this.audit.record({
        action: `${request.method} ${request.routeOptions.url}`,
        outcome,
        actor: request.principal,
        target: paramsOf(request),
        details: { status },
        meta: requestMeta(request),
      });
    return next.handle().pipe(
      concatMap((value) =>
        from(record('success', successStatus(context, request.method))).pipe(map(() => value)),
      ),
      catchError((error: unknown) =>
        from(record('failure', errorStatus(error))).pipe(concatMap(() => throwError(() => error))),
      ),
    );
  }
}

/** The status Nest will send (it is set on the reply only after interceptors finish). */
function successStatus(context: ExecutionContext, method: string): number {
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as
    number | undefined;
  return declared ?? (method === 'POST' ? 201 : 200);
}

function errorStatus(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : 500;
}
