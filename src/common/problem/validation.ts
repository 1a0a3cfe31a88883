import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidField } from './problem-details';
import { ValidationProblem } from './problem.exception';

/**
 * Flattens nested class-validator errors into "field.path: reason" entries. A required field
 * that is missing gets one reason, "is required", rather than every rule its value would break.
 */
export function toInvalidFields(errors: ValidationError[], parent = ''): InvalidField[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // (A parent's value is stripped by the pipe; only a leaf's undefined means absent.)
    if (error.value === undefined && error.constraints && !error.children?.length) {
      return [{ field, reason: `${error.property} is required` }];
    }
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...toInvalidFields(error.children ?? [], field)];
  });
}

/** Whitelist and reject unknown fields everywhere; errors become problem+json with the fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationProblem(toInvalidFields(errors)),
  });
}
