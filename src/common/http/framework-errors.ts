import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from '../problem/problem-details';
import { REQUEST_ID_HEADER } from './request-id';

/** Fastify's router limit on one path segment read as a parameter (its default, kept). */
export const MAX_PATH_PARAMETER_LENGTH = 100;

/** Longer URLs are cut in `instance`: echoing a 100 KB path back helps nobody. */
const INSTANCE_MAX = 200;

/**
 * Errors Fastify's router raises before any route, hook or Nest filter runs (a path that is not
 * valid percent-encoding, a path parameter past the length limit): answered as problem+json like
 * every other error, with the request id, instead of Fastify's own JSON shape.
 */
export function frameworkErrorProblem(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const reason = tooLong
    ? `a path segment is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`
    : 'the path is not valid percent-encoding';
  const url = request.raw.url ?? '';
  const problem: ProblemDetails = {
    type: problemType('validation-failed'),
    title: tooLong ? 'URI too long' : 'Validation failed',
    status,
    detail: `url: ${reason}`,
    instance: url.length > INSTANCE_MAX ? `${url.slice(0, INSTANCE_MAX)}...` : url,
    requestId: String(request.id),
    errors: [{ field: 'url', reason }],
  };
  void reply
    .status(status)
    .header(REQUEST_ID_HEADER, request.id)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problem);
}
