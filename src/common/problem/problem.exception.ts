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
  constructor(what: string, id: string | number) {
    super(404, 'not-found', 'Not found', `${what} ${id} does not exist`);
  }
}
