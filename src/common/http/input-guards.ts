import type { FastifyInstance } from 'fastify';
import { ValidationProblem } from '../problem/problem.exception';

/** Deeper JSON bodies are refused: no request of this API nests more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/** Arrays and plain objects, as the JSON and query parsers make them (not buffers or streams). */
function isJsonContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype: object | null = Object.getPrototypeOf(value) as object | null;
  // fast-querystring's results inherit from a prototype-less object.
  return prototype === null || prototype === Object.prototype || !Object.getPrototypeOf(prototype);
}

/** The first field (dotted path) of a parsed value whose string contains NUL, if any. */
export function fieldWithNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || 'body' : undefined;
  if (!isJsonContainer(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = fieldWithNul(child, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether arrays and objects nest more than `limit` levels. Recursion stops at the limit, so
 * even a megabyte of `[[[[…` is checked without overflowing the stack.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (!isJsonContainer(value)) return false;
  if (limit === 0) return true;
  for (const child of Object.values(value)) if (nestsDeeperThan(child, limit - 1)) return true;
  return false;
}

/**
 * 400s for input that would otherwise fail deep inside as a 500: NUL characters (PostgreSQL
 * refuses them in text) in the path, the query or a JSON body, and JSON nested deeply enough to
 * overflow the validator's recursion. Bodies are checked after Fastify's own parser (with its
 * prototype-poisoning checks) and before Nest's validation pipe.
 */
export function registerInputGuards(fastify: FastifyInstance): void {
  // No route reads plain text: such a body reached validation as a bare string and was refused
  // for missing fields rather than for its media type (415).
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!request.url.includes('%00')) return done();
    const field = fieldWithNul(request.params) ?? fieldWithNul(request.query) ?? 'url';
    done(new ValidationProblem([{ field, reason: 'must not contain NUL characters (%00)' }]));
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const body = request.body;
    if (!isJsonContainer(body)) return done();
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      const reason = `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`;
      return done(new ValidationProblem([{ field: 'body', reason }]));
    }
    const field = fieldWithNul(body);
    if (field)
      return done(
        new ValidationProblem([{ field, reason: 'must not contain NUL characters (\\u0000)' }]),
      );
    done();
  });
}
