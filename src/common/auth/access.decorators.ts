import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../problem/api-problems.decorator';
import { ACCESS_RULE, AccessRule } from './access-rule';
import type { ApiKeyScope, Role } from './roles';

/**
 * The access levels of routes. Every route carries exactly one of these (on the handler or its
 * controller): the global access guard refuses routes without one, and a test enumerates every
 * registered route to prove none is missing. Each sets the guard's rule and the route's Swagger
 * security together, so the two cannot drift apart.
 */

/** Swagger security scheme names (declared in src/common/http/swagger.ts). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'apiKey';
export const API_KEY_HEADER = 'x-api-key';

export interface ProtectedRouteOptions {
  /** Scope an API key needs here; `false`: API keys may not call the route (sessions only). */
  apiKeyScope?: ApiKeyScope | false;
  /** Admin routes only: audit reads too (mutating calls are always audited). */
  auditReads?: boolean;
  /**
   * Admin routes only: body fields to record in the audit entry, where the path alone does not
   * say what was done (merged into which team). Ids and names only, never secrets.
   */
  auditBody?: readonly string[];
}

/** Anyone, signed in or not. */
export function PublicRoute(): MethodDecorator & ClassDecorator {
  const rule: AccessRule = { level: 'public' };
  return applyDecorators(SetMetadata(ACCESS_RULE, rule), ApiExtension('x-access', rule));
}

/** Read-only access: viewers, users and admins; API keys with the `read` scope. */
export function ViewerRoute(options: ProtectedRouteOptions = {}): MethodDecorator & ClassDecorator {
  return protectedRoute('viewer', 'read', options);
}

/** Users and admins (predictions, simulations, own keys); API keys with the `predict` scope. */
export function UserRoute(options: ProtectedRouteOptions = {}): MethodDecorator & ClassDecorator {
  return protectedRoute('user', 'predict', options);
}

/** Admins only (imports, training, promotion, users, audit); every call is audited. */
export function AdminRoute(options: ProtectedRouteOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(protectedRoute('admin', 'admin', options), ApiTags('admin'));
}

function protectedRoute(
  level: Role,
  defaultScope: ApiKeyScope,
  options: ProtectedRouteOptions,
): MethodDecorator & ClassDecorator {
  const apiKeyScope = options.apiKeyScope === false ? null : (options.apiKeyScope ?? defaultScope);
  const rule: AccessRule = {
    level,
    apiKeyScope,
    auditReads: options.auditReads ?? false,
    ...(options.auditBody ? { auditBody: options.auditBody } : {}),
  };
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth(BEARER_SCHEME),
    ...(apiKeyScope ? [ApiSecurity(API_KEY_SCHEME)] : []),
    ApiExtension('x-access', { role: level, apiKeyScope }),
    ApiProblems(401, 403, 429),
  );
}
