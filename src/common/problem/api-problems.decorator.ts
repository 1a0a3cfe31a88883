import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem-details';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: the fields and reasons are listed in `errors`',
  401: 'No valid credentials: a bearer access token or an `X-API-Key` is required',
  403: 'The caller is authenticated but may not do this',
  404: 'The resource does not exist',
  409: 'Conflict with the current state',
  413: 'The upload is larger than the configured limit',
  415: 'Unsupported media type',
  422: 'The content cannot be processed (e.g. not a supported CSV format)',
  429: 'Rate limit exceeded: wait `Retry-After` seconds',
  503: 'A dependency is not ready',
};

/** Documents the problem+json error responses a route can give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiProblem(status, DESCRIPTIONS[status] ?? 'Error')),
  );
}

/**
 * One problem+json response with a description of the route's own (what its 409 means, say), and
 * the response headers that come with it (`Retry-After`).
 */
export function ApiProblem(
  status: number,
  description: string,
  headers?: Record<string, { description: string; schema: { type: 'integer' | 'string' } }>,
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    headers,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: `#/components/schemas/${ProblemDetails.name}` },
      },
    },
  });
}
