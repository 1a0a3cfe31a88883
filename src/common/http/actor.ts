import type { FastifyRequest } from 'fastify';

/** Who made a request, for records such as "who started this run": the principal's id, if any. */
export function actorOf(request: FastifyRequest): string | null {
  const user = (request as FastifyRequest & { user?: { id?: string | number; email?: string } })
    .user;
  return user?.email ?? (user?.id !== undefined ? String(user.id) : null);
}
