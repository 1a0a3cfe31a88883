import type { FastifyInstance } from 'fastify';
import type { InvalidField } from '../problem/problem-details';
import { ValidationProblem } from '../problem/problem.exception';

/** Deeper JSON bodies are refused: no request of this API nests more than a few levels. */
export const MAX_JSON_DEPTH = 32;

const NUL_REASON = 'must not contain NUL characters';
const SURROGATE_REASON = 'must be well-formed Unicode (no unpaired surrogates)';
/** An unpaired UTF-16 surrogate (with the `u` flag a pair is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const DEPTH_REASON = `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`;

/** Arrays and plain objects, as the JSON and query parsers make them (not buffers or streams). */
function isJsonContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype: object | null = Object.getPrototypeOf(value) as object | null;
  // fast-querystring's results inherit from a prototype-less object.
  return prototype === null || prototype === Object.prototype || !Object.getPrototypeOf(prototype);
}

/**
 * The first thing in a parsed value (a JSON body, a query, path parameters) that would fail deep
 * inside as a 500 rather than as a 400: a string with NUL (PostgreSQL refuses it in text) or with
 * an unpaired surrogate (JSON's `"\ud800"`: validator's isEmail throws a URIError on it, and the
 * database driver would store U+FFFD in its place), named by its dotted path; or nesting past
 * MAX_JSON_DEPTH (it overflows the validator's recursion), named by the top-level member it is
 * in (`body` when the body itself is an array). One walk, which stops at the depth limit, so even
 * a megabyte of `[[[[…` cannot overflow it.
 */
export function inputProblem(
  value: unknown,
  path = '',
  depth = 0,
  member = 'body',
): InvalidField | undefined {
  if (typeof value === 'string') {
    if (value.includes('\0')) return { field: path || 'body', reason: NUL_REASON };
    if (LONE_SURROGATE.test(value)) return { field: path || 'body', reason: SURROGATE_REASON };
    return undefined;
  }
  if (!isJsonContainer(value)) return undefined;
  // Too deep: named by the object's top-level member that holds it (the body when it is an array).
  if (depth === MAX_JSON_DEPTH) return { field: member, reason: DEPTH_REASON };
  const topLevelObject = depth === 0 && !Array.isArray(value);
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const found = inputProblem(child, childPath, depth + 1, topLevelObject ? key : member);
    if (found) return found;
  }
  return undefined;
}

/**
 * 400s for the input `inputProblem` finds, in the URL and in JSON bodies. Bodies are checked after
 * Fastify's own parser (with its prototype-poisoning checks) and before Nest's validation pipe.
 */
export function registerInputGuards(fastify: FastifyInstance): void {
  // No route reads plain text: such a body reached validation as a bare string and was refused
  // for missing fields rather than for its media type (415).
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!request.url.includes('%00')) return done();
    const problem = inputProblem(request.params) ??
      inputProblem(request.query) ?? { field: 'url', reason: NUL_REASON };
    done(new ValidationProblem([problem]));
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const problem = inputProblem(request.body);
    done(problem ? new ValidationProblem([problem]) : undefined);
  });
}
