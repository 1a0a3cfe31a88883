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
    /** The body fields the route's audit entry records (its `auditBody` option). */
    auditBodyFields?: readonly string[];
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
      details: { status, ...auditedBody(request) },
      meta: requestMeta(request),
    });
  }
}

/** Longest text recorded from a body field: a refused call may carry anything. */
const MAX_AUDITED_TEXT = 200;

/** The route's audited body fields as sent (scalars only; long text cut), if it names any. */
function auditedBody(request: FastifyRequest): { body?: Record<string, unknown> } {
  const fields = request.auditBodyFields;
  const body = request.body;
  if (!fields?.length || typeof body !== 'object' || body === null) return {};
  const recorded: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.hasOwn(body, field)) continue;
    const value = (body as Record<string, unknown>)[field];
    recorded[field] =
      typeof value === 'string'
        ? wellFormed(value.slice(0, MAX_AUDITED_TEXT))
        : typeof value === 'number' || typeof value === 'boolean' || value === null
          ? value
          : `(${Array.isArray(value) ? 'array' : typeof value})`;
  }
  return { body: recorded };
}

/** A lone UTF-16 surrogate (sent as "\ud800", or left by the cut) that jsonb refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with each lone surrogate replaced, as PostgreSQL's text columns would store it. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
