/** Account roles, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an API key may do. A key never exceeds its owner's role: `read` needs a viewer,
 * `predict` a user, `admin` an admin.
 */
export const API_KEY_SCOPES = ['read', 'predict', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const SCOPE_NEEDS: Record<ApiKeyScope, Role> = { read: 'viewer', predict: 'user', admin: 'admin' };

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return roleRank(role) >= roleRank(needed);
}

/** The scopes an account of `role` may give its API keys. */
export function scopesAllowedFor(role: Role): ApiKeyScope[] {
  return API_KEY_SCOPES.filter((scope) => roleAtLeast(role, SCOPE_NEEDS[scope]));
}
