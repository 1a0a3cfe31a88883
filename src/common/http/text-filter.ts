import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';

interface TextFilterSpec {
  maxLength: number;
  example: string;
  description?: string;
}

/**
 * Why a text query filter's value cannot filter, if it cannot. An empty value would otherwise
 * read as "no filter" (every competition, every season), and a repeated one arrives as an
 * array, which the lists cannot filter by.
 */
export function textFilterProblem(
  name: string,
  maxLength: number,
  value: unknown,
): string | undefined {
  if (Array.isArray(value)) return `${name} may be given once`;
  if (typeof value !== 'string') return `${name} must be a string`;
  if (value.trim() === '') return `${name} must not be empty`;
  if (value.length > maxLength) return `${name} must be at most ${maxLength} characters`;
  return undefined;
}

/** A text query filter (`competition`, `season`): one value, not empty, bounded. */
export const TextFilter = ({
  maxLength,
  example,
  description,
}: TextFilterSpec): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      example,
      minLength: 1,
      maxLength,
      ...(description ? { description } : {}),
    }),
    IsOptional(),
    ValidateBy({
      name: 'textFilter',
      validator: {
        validate: (value, args) =>
          textFilterProblem(args!.property, maxLength, value) === undefined,
        defaultMessage: (args) => textFilterProblem(args!.property, maxLength, args!.value) ?? '',
      },
    }),
  );

/** The `competition` filter of every list that has one. */
export const CompetitionFilter = (description?: string): PropertyDecorator =>
  TextFilter({ maxLength: 120, example: 'england/premier-league', description });

/**
 * What a `competition` filter names: up to 9 digits is an id (any longer is past every id and
 * past PostgreSQL's int: it names no code either), anything else a code.
 */
export function competitionRef(filter: string): { id: number } | { code: string } {
  return /^\d{1,9}$/.test(filter) ? { id: Number(filter) } : { code: filter };
}
