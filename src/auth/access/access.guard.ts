import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ACCESS_RULE, type AccessRule, decideAccess } from '../../common/auth/access-rule';
import type { Principal } from '../../common/auth/principal';
import { ForbiddenProblem, UnauthorizedProblem } from '../../common/problem/problem.exception';
import { AuditService } from '../audit/audit.service';
import type { User } from '../entities';
import { requestMeta } from '../http/request-meta';
import { UsersService } from '../users/users.service';
import { Authenticator } from './authenticator';

/**
 * The global guard: every route must carry an access rule (`@PublicRoute()`, `@ViewerRoute()`,
 * `@UserRoute()`, `@AdminRoute()`), and a route without one is refused to everybody. Admin
 * routes also re-check the account in the database (still an admin, not disabled, token not
 * signed before its sessions were last revoked); other routes decide from the token alone, in
 * memory.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);
  /** Rules per handler, looked up once: the metadata never changes at run time. */
  private readonly rules = new WeakMap<object, AccessRule | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  ruleOf(context: ExecutionContext): AccessRule | null {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (rule === undefined) {
      rule =
        this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
          handler,
          context.getClass(),
        ]) ?? null;
      this.rules.set(handler, rule);
    }
    return rule;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.ruleOf(context);
    if (!rule) {
      this.logger.error(
        `${context.getClass().name}.${context.getHandler().name} has no access rule: refused`,
      );
      throw new ForbiddenProblem('this route has no access rule');
    }
    if (rule.level === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const authentication = await this.authenticator.authenticate(request);
    if (authentication.failure) throw new UnauthorizedProblem(authentication.failure);
    const principal = authentication.principal;
    const decision = decideAccess(rule, principal);
    if (!decision.allowed) {
      if (decision.status === 401) throw new UnauthorizedProblem(decision.reason);
      if (rule.level === 'admin') await this.auditDenied(request, principal!, decision.reason);
      throw new ForbiddenProblem(decision.reason);
    }
    if (rule.level === 'admin') {
      await this.confirmAdmin(principal!);
      // Audited by AdminAuditHook once the status is known; reads only when the route asks.
      request.auditAsAdmin = request.method !== 'GET' || rule.auditReads === true;
      request.auditBodyFields = rule.auditBody;
    }
    request.principal = principal;
    return true;
  }

  private async confirmAdmin(principal: Principal): Promise<void> {
    const user = await this.users.find(principal.userId);
    if (!user || user.disabledAt || user.role !== 'admin') {
      throw new UnauthorizedProblem('the account no longer has admin rights; sign in again');
    }
    if (principal.via === 'token' && signedBeforeRevocation(principal, user)) {
      throw new UnauthorizedProblem('this access token was revoked; sign in again');
    }
  }

  private auditDenied(request: FastifyRequest, principal: Principal, reason: string) {
    return this.audit.record({
      action: `${request.method} ${request.routeOptions.url}`,
      outcome: 'denied',
      actor: principal,
      target: paramsOf(request),
      details: { reason },
      meta: requestMeta(request),
    });
  }
}

/**
 * Whether the account's sessions were revoked after this access token was signed. Its session
 * version decides; a token signed before versions existed (no `sv`) is judged by its issue
 * time, in whole seconds, so one issued in the same second as the revocation still passes.
 */
function signedBeforeRevocation(
  principal: Principal,
  user: Pick<User, 'sessionVersion' | 'sessionsRevokedAt'>,
): boolean {
  if (principal.sessionVersion !== undefined) return principal.sessionVersion < user.sessionVersion;
  const revokedAt = user.sessionsRevokedAt?.getTime();
  return revokedAt !== undefined && principal.issuedAt! < Math.floor(revokedAt / 1000);
}

export function paramsOf(request: FastifyRequest): Record<string, unknown> | null {
  const params = request.params as Record<string, unknown> | undefined;
  return params && Object.keys(params).length > 0 ? { ...params } : null;
}
