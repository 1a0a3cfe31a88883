import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { paramsOf } from '../access/access.guard';
import { requestMeta } from '../http/request-meta';
import { AuditService } from './audit.service';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access guard on an admin call that must be audited (see AdminAuditHook). */
    auditAsAdmin?: boolean;
  }
}

/**
 * Records every call of an `@AdminRoute()` (mutating methods always; GET when the route asks
 * with `auditReads`): actor, action (method and route), target (route parameters), outcome and
 * status, client address and request id. The access guard marks the request; this Fastify
 * `onSend` hook writes the entry with the final status before the response leaves, so a call
 * is never answered without its entry. (A Nest interceptor did this before, but a global
 * interceptor puts every request of every route through an rxjs pipeline.)
 */
@Injectable()
export class AdminAuditHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // The CLI runs the modules without an HTTP server: nothing to audit there.
    if (!this.adapterHost.httpAdapter) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (!request.auditAsAdmin) return done(null, payload);
      this.record(request, reply).then(
        () => done(null, payload),
        (error: Error) => done(error),
      );
    });
  }

  private record(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // Recorded once, even if the failure to record it makes Fastify send an error instead.
    request.auditAsAdmin = false;
    const status = reply.statusCode;
    return this.audit.record({
      action: `${request.method} ${request.routeOptions.url}`,
      outcome: status < 400 ? 'success' : 'failure',
      actor: request.principal,
      target: paramsOf(request),
      details: { status },
      meta: requestMeta(request),
    });
  }
}
