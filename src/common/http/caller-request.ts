import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../auth/principal';

/**
 * What authentication, rate limiting and the prediction responses read of a request: a Fastify
 * request, or the pre-router's view of a raw one (pre-router.ts), so cache hits answered before
 * Fastify's routing run the very same checks.
 */
export interface CallerRequest {
  readonly headers: IncomingHttpHeaders;
  /** The client address (after the trusted proxies' X-Forwarded-For). */
  readonly ip: string;
  principal?: Principal;
}

/** What they write of a response: a Fastify reply, or the pre-router's. */
export interface CallerReply {
  header(name: string, value: string | number): unknown;
  code(statusCode: number): unknown;
  send(payload?: string | Buffer): unknown;
}
