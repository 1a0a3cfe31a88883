import type { FastifyInstance } from 'fastify';

/**
 * Security headers, computed once at start-up rather than rebuilt per request (a helmet plugin
 * rebuilding them cost ~9 % CPU in measurements). The CSP lets Swagger UI's inline code run
 * under /docs only.
 */
const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** The headers of every API response (not /docs), for responses sent without Fastify's hooks. */
export const API_SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ...Object.entries(COMMON_HEADERS),
  ['content-security-policy', API_CSP],
];

export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const entries = Object.entries(COMMON_HEADERS);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    for (const [name, value] of entries) reply.header(name, value);
    reply.header('content-security-policy', request.url.startsWith('/docs') ? DOCS_CSP : API_CSP);
    done(null, payload);
  });
}
