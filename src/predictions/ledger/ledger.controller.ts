import { Controller, Get, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { LedgerService } from './ledger.service';
import { PublicRoute } from '../../common/auth/access.decorators';
import { ApiProblems } from '../../common/problem/api-problems.decorator';

class ChainBreakView {
  @ApiProperty({ example: '42' }) seq!: string;
  @ApiProperty({ example: 'its content does not match its hash (the entry was altered)' })
  reason!: string;
}

class LedgerVerificationView {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Entries checked before the result' }) entries!: number;
  @ApiProperty({ description: 'Hash of the last valid entry (the chain head when valid)' })
  lastHash!: string;
  @ApiPropertyOptional({ type: ChainBreakView }) broken?: ChainBreakView;
}

@ApiTags('ledger')
// The track record is public: anyone may verify and rescore it.
@PublicRoute()
@ApiProblems(429)
@Controller({ path: 'ledger', version: '1' })
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('verify')
  @ApiOperation({
    summary: 'Recompute the hash chain of every frozen prediction',
    description:
      'Names the first entry whose content or link does not match; the algorithm is documented in the README.',
  })
  @ApiOkResponse({ type: LedgerVerificationView })
  verify(): Promise<LedgerVerificationView> {
    return this.ledger.verify();
  }

  @Get('export')
  @ApiOperation({
    summary:
      'Every ledger entry in order, as NDJSON (one JSON object per line), with its score once the match finished',
    description:
      'Streamed; enough to re-verify the chain and re-score every prediction independently. ' +
      '`HEAD` answers the same headers without reading the ledger.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON stream of entries' })
  export(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // Fastify answers HEAD with this GET handler and drains the body it is given: an empty
    // stream keeps the GET's headers (no Content-Length) without reading the whole ledger.
    const lines = request.method === 'HEAD' ? Readable.from([]) : Readable.from(this.exportLines());
    void reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="oracxpred-ledger.ndjson"')
      .send(lines);
  }

  private async *exportLines(): AsyncGenerator<string> {
    for await (const entry of this.ledger.export()) yield `${JSON.stringify(entry)}\n`;
  }
}
