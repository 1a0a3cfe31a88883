import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

export const ADMIN_ROUTE = 'oracxpred:admin-route';

/**
 * Marks a route as admin-only. Until the identity issue lands this only tags the route (and
 * its Swagger group); the auth module will attach its guard here, in this one place.
 */
export function AdminRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ADMIN_ROUTE, true), ApiTags('admin'));
}
