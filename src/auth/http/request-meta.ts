import type { FastifyRequest } from 'fastify';

/** Where a request came from, as recorded with sessions and audit entries. */
export interface RequestMeta {
  /** The client address (X-Forwarded-For is believed from TRUSTED_PROXIES only). */
  ip: string;
  userAgent: string | null;
  requestId: string;
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null,
    requestId: String(request.id),
  };
}
