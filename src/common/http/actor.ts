import type { FastifyRequest } from 'fastify';
import '../auth/principal';

/** Who made a request, for records such as "who started this run": the account id, if any. */
export function actorOf(request: FastifyRequest): string | null {
  return request.principal?.userId ?? null;
}
