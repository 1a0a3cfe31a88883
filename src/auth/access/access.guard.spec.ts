import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_RULE } from '../../common/auth/access-rule';
import { ProblemException } from '../../common/problem/problem.exception';
import { AccessGuard } from './access.guard';
import type { Authenticator } from './authenticator';
import type { UsersService } from '../users/users.service';
import type { AuditService } from '../audit/audit.service';

class Controller {
  withoutRule() {}
  publicRoute() {}
}
Reflect.defineMetadata(ACCESS_RULE, { level: 'public' }, Controller.prototype.publicRoute);

function contextFor(handler: () => void): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => ({ headers: {} }) }),
  } as unknown as ExecutionContext;
}

describe('AccessGuard', () => {
  const authenticate = jest.fn();
  const guard = new AccessGuard(
    new Reflector(),
    { authenticate } as unknown as Authenticator,
    {} as UsersService,
    {} as AuditService,
  );

  it('refuses a route without an access rule, even before looking at credentials', async () => {
    const refusal = guard.canActivate(contextFor(Controller.prototype.withoutRule));
    await expect(refusal).rejects.toBeInstanceOf(ProblemException);
    await expect(refusal).rejects.toMatchObject({ status: 403 });
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('lets a public route through without credentials', async () => {
    await expect(guard.canActivate(contextFor(Controller.prototype.publicRoute))).resolves.toBe(
      true,
    );
    expect(authenticate).not.toHaveBeenCalled();
  });
});
