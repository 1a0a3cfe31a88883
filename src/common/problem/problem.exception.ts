import { HttpException } from '@nestjs/common';
import { InvalidField } from './problem-details';

/** An error that knows its problem+json shape; throw it from services for expected failures. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly errors?: InvalidField[],
    /** Response headers that belong to the problem (Retry-After, WWW-Authenticate). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail, status);
  }
}

export class ValidationProblem extends ProblemException {
  constructor(errors: InvalidField[]) {
    super(
      400,
      'validation-failed',
      'Validation failed',
      errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
      errors,
    );
  }
}

export class NotFoundProblem extends ProblemException {
  /** `field`: the request field that named it, when the id came from a body or query field. */
  constructor(what: string, id: string | number, field?: InvalidField) {
    super(404, 'not-found', 'Not found', `${what} ${id} does not exist`, field && [field]);
  }
}

export class UnauthorizedProblem extends ProblemException {
  constructor(detail: string) {
    super(401, 'unauthenticated', 'Unauthorized', detail, undefined, {
      'www-authenticate': 'Bearer realm="oracxpred"',
    });
  }
}

export class ForbiddenProblem extends ProblemException {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class TooManyAttemptsProblem extends ProblemException {
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, 'too-many-attempts', 'Too many requests', detail, undefined, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
