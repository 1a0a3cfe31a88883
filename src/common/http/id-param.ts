import {
  applyDecorators,
  Injectable,
  Param,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { ApiParam } from '@nestjs/swagger';
import { ValidationProblem } from '../problem/problem.exception';

/** The largest id a PostgreSQL integer column holds. */
export const MAX_ID = 2_147_483_647;
const POSITIVE_INTEGER = /^[1-9]\d{0,9}$/;

/** The rules of a numeric id in a body or query field: the same range as ParseIdPipe's. */
export const IsId = (): PropertyDecorator => applyDecorators(IsInt(), Min(1), Max(MAX_ID));

/**
 * A numeric id path parameter: a 400 problem naming the parameter for anything but an integer
 * from 1 to MAX_ID (Nest's ParseIntPipe lets 2147483648 through to the database, and its 400
 * names no field).
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    if (POSITIVE_INTEGER.test(value) && Number(value) <= MAX_ID) return Number(value);
    throw new ValidationProblem([
      { field: metadata.data ?? 'id', reason: `must be an integer from 1 to ${MAX_ID}` },
    ]);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID path parameter: a 400 problem naming the parameter otherwise (Nest's ParseUUIDPipe
 * answers with no field, unlike every other validation error of the API).
 */
@Injectable()
export class ParseUuidPipe implements PipeTransform<string, string | undefined> {
  protected readonly optional: boolean = false;

  transform(value: string | undefined, metadata: ArgumentMetadata): string | undefined {
    if (value === undefined && this.optional) return undefined;
    if (value !== undefined && UUID.test(value)) return value.toLowerCase();
    throw new ValidationProblem([{ field: metadata.data ?? 'id', reason: 'must be a UUID' }]);
  }
}

/** ParseUuidPipe for an optional query parameter: absent is fine. */
@Injectable()
export class ParseOptionalUuidPipe extends ParseUuidPipe {
  protected override readonly optional = true;
}

interface ParamSchema {
  type: 'integer' | 'string';
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** Documents a path parameter on the method that declares it (a parameter decorator cannot). */
function documentParam(name: string, schema: ParamSchema): ParameterDecorator {
  return (target, key) => {
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key) as PropertyDescriptor;
    ApiParam({ name, schema })(target, key, descriptor);
  };
}

/** A numeric id path parameter, parsed by ParseIdPipe and documented as the integer it is. */
export function IdParam(name = 'id'): ParameterDecorator {
  return (target, key, index) => {
    Param(name, ParseIdPipe)(target, key, index);
    documentParam(name, { type: 'integer', minimum: 1, maximum: MAX_ID })(target, key, index);
  };
}

/** A UUID path parameter, parsed by ParseUuidPipe and documented as one. */
export function UuidParam(name = 'id'): ParameterDecorator {
  return (target, key, index) => {
    Param(name, ParseUuidPipe)(target, key, index);
    documentParam(name, { type: 'string', format: 'uuid' })(target, key, index);
  };
}
