import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
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
      'Streamed; enough to re-verify the chain and re-score every prediction independently.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON stream of entries' })
  export(@Res() reply: FastifyReply): void {
    const entries = this.ledger.export();
    const lines = Readable.from(
      (async function* () {
        for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
      })(),
    );
    void reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="oracxpred-ledger.ndjson"')
      .send(lines);
  }
}
