import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidField } from './problem-details';
import { ValidationProblem } from './problem.exception';

/**
 * class-validator's type rules. A value of the wrong type breaks its range and length rules too
 * ("pageSize=abc" is below 1 and above 200 at once); only the type reason says what is wrong.
 */
const TYPE_RULES = new Set([
  'isInt',
  'isNumber',
  'isString',
  'isBoolean',
  'isDate',
  'isDateString',
  'isISO8601',
  'isArray',
  'isObject',
]);

/** The reasons to report: the broken type rules alone when there are any, else every rule. */
function reasonsOf(constraints: Record<string, string>): string[] {
  const broken = Object.entries(constraints);
  const types = broken.filter(([rule]) => TYPE_RULES.has(rule));
  return (types.length ? types : broken).map(([, reason]) => reason);
}

/**
 * Flattens nested class-validator errors into "field.path: reason" entries. A required field
 * that is missing gets one reason, "is required", rather than every rule its value would break;
 * a value of the wrong type gets its type reason alone.
 */
export function toInvalidFields(errors: ValidationError[], parent = ''): InvalidField[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // (A parent's value is stripped by the pipe; only a leaf's undefined means absent.)
    if (error.value === undefined && error.constraints && !error.children?.length) {
      return [{ field, reason: `${error.property} is required` }];
    }
    const own = reasonsOf(error.constraints ?? {}).map((reason) => ({ field, reason }));
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
