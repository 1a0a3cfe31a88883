import type { FastifyRequest } from 'fastify';
import '../auth/principal';

/**
 * Who made a request, for records such as "who started this run": the caller's account id (set
 * by the access guard). An id, never an e-mail address: erasing the account leaves a pseudonym.
 */
export function actorOf(request: FastifyRequest): string | null {
  return request.principal?.userId ?? null;
}
