import { AccessRule, decideAccess } from './access-rule';
import type { Principal } from './principal';

const viewerRule: AccessRule = { level: 'viewer', apiKeyScope: 'read', auditReads: false };
const userRule: AccessRule = { level: 'user', apiKeyScope: 'predict', auditReads: false };
const sessionOnly: AccessRule = { level: 'viewer', apiKeyScope: null, auditReads: false };
const adminRule: AccessRule = { level: 'admin', apiKeyScope: 'admin', auditReads: false };

const token = (role: Principal['role']): Principal => ({ userId: 'u', role, via: 'token' });
const key = (
  role: Principal['role'],
  ...scopes: Array<'read' | 'predict' | 'admin'>
): Principal => ({
  userId: 'u',
  role,
  via: 'apiKey',
  apiKeyId: 'k',
  scopes,
  plan: 'free',
});

describe('decideAccess', () => {
  it('lets anybody call a public route', () => {
    expect(decideAccess({ level: 'public' }, undefined)).toEqual({ allowed: true });
  });

  it('asks anonymous callers of protected routes to authenticate (401)', () => {
    expect(decideAccess(viewerRule, undefined)).toMatchObject({ allowed: false, status: 401 });
  });

  it.each([
    ['viewer', viewerRule, true],
    ['viewer', userRule, false],
    ['viewer', adminRule, false],
    ['user', userRule, true],
    ['user', adminRule, false],
    ['admin', adminRule, true],
    ['admin', viewerRule, true],
  ] as const)('a %s token on a %o route: allowed %s', (role, rule, allowed) => {
    const decision = decideAccess(rule, token(role));
    expect(decision.allowed).toBe(allowed);
    if (!decision.allowed) expect(decision.status).toBe(403);
  });

  it('lets API keys through only with the route scope, and never on session-only routes', () => {
    expect(decideAccess(viewerRule, key('user', 'read'))).toEqual({ allowed: true });
    expect(decideAccess(userRule, key('user', 'read'))).toMatchObject({ status: 403 });
    expect(decideAccess(userRule, key('user', 'read', 'predict'))).toEqual({ allowed: true });
    expect(decideAccess(sessionOnly, key('admin', 'read', 'predict', 'admin'))).toMatchObject({
      status: 403,
    });
    // A scope never lifts a key above its owner's role.
    expect(decideAccess(adminRule, key('user', 'admin'))).toMatchObject({ status: 403 });
  });
});
