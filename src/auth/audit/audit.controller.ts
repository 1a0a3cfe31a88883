import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminRoute } from '../../common/auth/access.decorators';
import { setPageHeaders, pageOffset } from '../../common/http/pagination';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { AuditEntryView, AuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@AdminRoute({ auditReads: true })
@Controller({ path: 'audit', version: '1' })
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first, filtered and paginated (admin)' })
  @ApiOkResponse({ type: [AuditEntryView] })
  @ApiProblems(400)
  async list(
    @Query() query: AuditQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuditEntryView[]> {
    const { rows, total } = await this.audit.search({
      actorId: query.actor,
      action: query.action,
      outcome: query.outcome,
      from: query.from,
      to: query.to,
      offset: pageOffset(query),
      limit: query.pageSize,
    });
    setPageHeaders(request, reply, {
      items: rows,
      total,
      page: query.page,
      pageSize: query.pageSize,
    });
    return rows.map(AuditEntryView.of);
  }
}
