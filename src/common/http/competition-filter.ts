import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';

const MAX_LENGTH = 120;

/**
 * Why a `competition=` query value cannot filter, if it cannot. An empty value would otherwise
 * read as "no filter" (every competition), and a repeated one arrives as an array, which the
 * lists cannot filter by.
 */
export function competitionFilterProblem(value: unknown): string | undefined {
  if (Array.isArray(value)) return 'competition may be given once';
  if (typeof value !== 'string') return 'competition must be a string';
  if (value.trim() === '') return 'competition must not be empty';
  if (value.length > MAX_LENGTH) {
    return `competition must be at most ${MAX_LENGTH} characters`;
  }
  return undefined;
}

/** The `competition` query filter of every list that has one: one value, not empty. */
export const CompetitionFilter = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'england/premier-league',
      maxLength: MAX_LENGTH,
      ...(description ? { description } : {}),
    }),
    IsOptional(),
    ValidateBy({
      name: 'competitionFilter',
      validator: {
        validate: (value) => competitionFilterProblem(value) === undefined,
        defaultMessage: (args) => competitionFilterProblem(args?.value) ?? '',
      },
    }),
  );
