import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem-details';
import { ProblemException, ValidationProblem } from './problem.exception';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  503: 'Service unavailable',
};

const NOT_READY = problemType('not-ready');

/**
 * Turns every error into RFC 9457 problem+json. Unexpected errors are logged with their stack
 * and answered with a generic 500: no stack trace, SQL or internal message reaches a client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    if (exception instanceof ProblemException && exception.headers) {
      for (const [name, value] of Object.entries(exception.headers)) void reply.header(name, value);
    }
    // A failed readiness probe is an expected answer, logged by the health controller when it
    // changes, not an error with a stack at every probe.
    if (problem.status >= 500 && problem.type !== NOT_READY) {
      this.logger.error({ err: exception, requestId: request.id }, 'unhandled error');
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(thrown: unknown, request: FastifyRequest): ProblemDetails {
    const base = { instance: request.url, requestId: String(request.id) };
    const unparsable = unparsableBodyReason(thrown);
    const exception = unparsable
      ? new ValidationProblem([{ field: 'body', reason: unparsable }])
      : thrown;
    if (exception instanceof ProblemException) {
      return {
        type: problemType(exception.slug),
        title: exception.title,
        status: exception.getStatus(),
        detail: exception.message,
        ...base,
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof ServiceUnavailableException) {
      // Terminus readiness failures: say which checks failed, without internals beyond that.
      const details = (exception.getResponse() as { details?: unknown }).details;
      return {
        type: NOT_READY,
        title: TITLES[503],
        status: 503,
        detail: 'One or more dependencies are not ready',
        ...base,
        ...(details ? { checks: details } : {}),
      } as ProblemDetails;
    }
    const status = httpStatusOf(exception);
    if (status !== undefined && status < 500) {
      return {
        type: 'about:blank',
        title: TITLES[status] ?? 'Client error',
        status,
        // Fastify's 415 says only "Unsupported Media Type": say what to send instead.
        detail:
          status === 415
            ? `request bodies are application/json (imports also take multipart/form-data), not ${request.headers['content-type'] ?? 'none'}`
            : clientMessage(exception),
        ...base,
      };
    }
    return {
      type: problemType('internal-error'),
      title: 'Internal server error',
      status: status ?? 500,
      detail: 'An unexpected error occurred; quote the request id when reporting it.',
      ...base,
    };
  }
}

/** Fastify's JSON body parser's refusals, as the reason a validation problem gives for `body`. */
const UNPARSABLE_BODY: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'is not valid JSON (content-type says application/json)',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'is empty, but content-type says application/json',
};

/** Nest's Fastify adapter hands them over as an HttpException whose cause is Fastify's error. */
function unparsableBodyReason(exception: unknown): string | undefined {
  const error = exception instanceof HttpException ? exception.cause : exception;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? UNPARSABLE_BODY[code] : undefined;
}

/** Status of Nest HTTP exceptions and of Fastify's own errors (body too large, bad JSON, ...). */
function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function clientMessage(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
  return exception instanceof Error ? exception.message : 'Bad request';
}
