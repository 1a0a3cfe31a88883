import type { Principal } from './principal';
import { type ApiKeyScope, type Role, roleAtLeast } from './roles';

export const ACCESS_RULE = 'oracxpred:access-rule';

/** The access rule of a route: who may call it, and which API key scope (if any) suffices. */
export type AccessRule =
  | { level: 'public' }
  | {
      level: Role;
      /** Scope an API key needs on this route; null when only a signed-in session may call it. */
      apiKeyScope: ApiKeyScope | null;
      /** Admin routes: also audit GET calls (mutating calls are always audited). */
      auditReads: boolean;
      /** Admin routes: body fields the audit entry records (ids and names, never secrets). */
      auditBody?: readonly string[];
    };

export type AccessDecision =
  { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

/** Whether `principal` may call a route with `rule` (pure: the guard supplies both). */
export function decideAccess(rule: AccessRule, principal: Principal | undefined): AccessDecision {
  if (rule.level === 'public') return { allowed: true };
  if (!principal) {
    return { allowed: false, status: 401, reason: 'this route needs a bearer token or an API key' };
  }
  if (!roleAtLeast(principal.role, rule.level)) {
    return { allowed: false, status: 403, reason: `this route needs the ${rule.level} role` };
  }
  if (principal.via === 'apiKey') {
    if (rule.apiKeyScope === null) {
      return {
        allowed: false,
        status: 403,
        reason: 'API keys cannot call this route; sign in with a user session',
      };
    }
    if (!principal.scopes?.includes(rule.apiKeyScope)) {
      return {
        allowed: false,
        status: 403,
        reason: `this API key lacks the "${rule.apiKeyScope}" scope`,
      };
    }
  }
  return { allowed: true };
}
