import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const MAX_PAGE_SIZE = 200;
/** Far past any real list; what keeps the offset a number PostgreSQL can take. */
export const MAX_PAGE = 1_000_000;

/**
 * An integer query parameter from its text: an optional sign and digits, anything else NaN for
 * @IsInt() to refuse. Number() alone would read '1e2', '0x10', ' 12' and '12.0' as integers.
 */
export const IntegerQueryText = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (/^-?\d+$/.test(value) ? Number(value) : Number.NaN) : value,
  );

/** An optional integer query parameter from 1 to `max`, parsed from its text. */
function PositiveIntegerQuery(max: number, defaultValue: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      maximum: max,
      default: defaultValue,
      example: defaultValue,
    }),
    IsOptional(),
    IntegerQueryText(),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/** The `page` query parameter of every paginated list. */
export const PageNumber = (): PropertyDecorator => PositiveIntegerQuery(MAX_PAGE, 1);

/** The `pageSize` query parameter; lists whose pages cost more set a lower maximum. */
export const PageSize = (max = MAX_PAGE_SIZE): PropertyDecorator => PositiveIntegerQuery(max, 50);

export class PageQuery {
  @PageNumber()
  page = 1;

  @PageSize()
  pageSize = 50;
}

/** The number of items before the requested page. */
export function pageOffset(query: PageQuery): number {
  return (query.page - 1) * query.pageSize;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** The response headers setPageHeaders sets, for a paginated route's Swagger 200 response. */
export const PAGE_HEADERS = {
  'X-Total-Count': {
    description: 'Items matching the request, on every page',
    schema: { type: 'integer' },
  },
  Link: {
    description: 'RFC 8288 links: first, prev, next (when any), last',
    schema: { type: 'string' },
  },
} as const;

/**
 * Sets X-Total-Count and an RFC 8288 Link header (first, prev, next, last) built from the
 * request's own URL, so clients can follow pages without rebuilding filters.
 */
export function setPageHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  page: Page<unknown>,
): void {
  const lastPage = Math.max(1, Math.ceil(page.total / page.pageSize));
  const url = new URL(request.url, 'http://placeholder');
  const link = (target: number, rel: string) => {
    url.searchParams.set('page', String(target));
    url.searchParams.set('pageSize', String(page.pageSize));
    return `<${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page.page > 1) links.push(link(Math.min(page.page - 1, lastPage), 'prev'));
  if (page.page < lastPage) links.push(link(page.page + 1, 'next'));
  links.push(link(lastPage, 'last'));
  void reply.header('x-total-count', String(page.total)).header('link', links.join(', '));
}
