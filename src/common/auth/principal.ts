import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyScope, Role } from './roles';

/** Who is calling: an account through an access token, or through one of its API keys. */
export interface Principal {
  userId: string;
  role: Role;
  via: 'token' | 'apiKey';
  /** Access tokens: when it was issued (seconds since the epoch). */
  issuedAt?: number;
  /** Access tokens: the account's session version it was signed under (absent on older ones). */
  sessionVersion?: number;
  /** API keys: which key, its scopes and its rate-limit plan. */
  apiKeyId?: string;
  scopes?: readonly ApiKeyScope[];
  plan?: string;
}

/**
 * Whether the caller may use an admin's powers on a route open to users too (e.g. everybody's
 * webhooks): an admin's session, or an admin's key with the `admin` scope. An admin's `read` or
 * `predict` key acts as a user: a scope, not the owner's role, bounds what a key may do.
 */
export function actsAsAdmin(principal: Principal): boolean {
  return (
    principal.role === 'admin' &&
    (principal.via === 'token' || principal.scopes?.includes('admin') === true)
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access guard on routes that need a signed-in caller. */
    principal?: Principal;
  }
}

/** The authenticated caller of a protected route (the access guard guarantees one). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without an access rule');
    return principal;
  },
);
