import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One invalid input: which field, and why. */
export class InvalidField {
  @ApiProperty({ example: 'pageSize' })
  field!: string;

  @ApiProperty({ example: 'pageSize must not be greater than 200' })
  reason!: string;
}

/** RFC 9457 problem details, the body of every error response. */
export class ProblemDetails {
  @ApiProperty({ example: 'https://oracxpred.dev/problems/validation-failed' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'pageSize must not be greater than 200' })
  detail!: string;

  @ApiProperty({ example: '/v1/matches?pageSize=1000' })
  instance!: string;

  @ApiProperty({ example: '0b9a4c7e-2f51-4a43-9a1e-5d7b1c0f9e11' })
  requestId!: string;

  @ApiPropertyOptional({ type: [InvalidField] })
  errors?: InvalidField[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(slug: string): string {
  return `https://oracxpred.dev/problems/${slug}`;
}
