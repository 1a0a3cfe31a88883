import { Controller, Get, HttpCode, HttpException, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { UuidParam } from '../../common/http/id-param';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PageQuery, setPageHeaders, pageOffset } from '../../common/http/pagination';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { ProblemException, ValidationProblem } from '../../common/problem/problem.exception';
import { toInvalidFields } from '../../common/problem/validation';
import { AdminRoute } from '../../common/auth/access.decorators';
import { AppConfig } from '../../config/app-config';
import { FORMATS, ImportFromUrlBody, ImportRunView, ISSUES_IN_LISTS } from './import.dto';
import { ImportRequest, ImportsService } from './imports.service';

@ApiTags('imports')
@AdminRoute()
@Controller({ path: 'imports', version: '1' })
@ApiExtraModels(ImportFromUrlBody)
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue an import (admin): a CSV upload (multipart, field "file") or a URL (JSON)',
    description:
      'Formats: football-data.co.uk, the history CSV, international results; detected from the header ' +
      'unless `format` is given. A URL answering an error status, HTML or an empty body is refused (422) ' +
      'before anything is written. Follow progress at GET /v1/imports/{id}.',
    // One schema per media type: @ApiBody would give both the same one.
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(ImportFromUrlBody) } },
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'string', format: 'binary' },
              format: { type: 'string', enum: [...FORMATS] },
              strict: { type: 'boolean' },
            },
          },
        },
      },
    },
  })
  @ApiAcceptedResponse({ type: ImportRunView })
  @ApiProblems(400, 413, 415, 422)
  async create(@Req() request: FastifyRequest): Promise<ImportRunView> {
    const importRequest = request.isMultipart()
      ? await this.fromUpload(request)
      : await this.fromUrl(request.body);
    return ImportRunView.of(await this.imports.enqueue(importRequest));
  }

  @Get()
  @ApiOperation({
    summary: `Import runs, newest first, each with its first ${ISSUES_IN_LISTS} row issues (admin)`,
  })
  @ApiOkResponse({ type: [ImportRunView] })
  @ApiProblems(400)
  async list(
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportRunView[]> {
    const { items, total } = await this.imports.list(pageOffset(query), query.pageSize);
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    return items.map((run) => ImportRunView.of(run, ISSUES_IN_LISTS));
  }

  @Get(':id')
  @ApiOperation({ summary: 'An import run: status, progress, counts and every row issue (admin)' })
  @ApiOkResponse({ type: ImportRunView })
  @ApiProblems(400, 404)
  async get(@UuidParam('id') id: string): Promise<ImportRunView> {
    return ImportRunView.of(await this.imports.get(id));
  }

  private async fromUrl(body: unknown): Promise<ImportRequest> {
    // An array or a bare value would be validated as an object with no fields: say what is wrong.
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new ValidationProblem([{ field: 'body', reason: 'must be a JSON object' }]);
    }
    const input = plainToInstance(ImportFromUrlBody, body ?? {});
    const errors = await validate(input, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ValidationProblem(toInvalidFields(errors));
    return {
      content: await this.imports.fetchUrl(input.url),
      sourceDescription: input.url,
      format: input.format,
      strict: input.strict,
    };
  }

  private async fromUpload(request: FastifyRequest): Promise<ImportRequest> {
    try {
      return await this.readUpload(request);
    } catch (error) {
      // A second file part trips the parser's files limit (1) before readUpload sees it: still a
      // 413, but saying which field and what to send rather than the parser's "reach files limit".
      if ((error as { code?: unknown } | null)?.code === 'FST_FILES_LIMIT') {
        const reason =
          'send exactly one file, in the field "file" (the multipart files limit is 1)';
        throw new ProblemException(413, 'too-many-files', 'Payload too large', `file: ${reason}`, [
          { field: 'file', reason },
        ]);
      }
      // The parser's "request file too large" names no limit: say which, and which setting.
      if ((error as { code?: unknown } | null)?.code === 'FST_REQ_FILE_TOO_LARGE') {
        const megabytes = this.config.importMaxUploadBytes / (1024 * 1024);
        const reason = `larger than the upload limit of ${megabytes} MiB (IMPORT_MAX_UPLOAD_MB)`;
        throw new ProblemException(
          413,
          'upload-too-large',
          'Payload too large',
          `file: ${reason}`,
          [{ field: 'file', reason }],
        );
      }
      // The multipart parser's own errors (no boundary, a body cut short) carry no status: they
      // are the client's malformed body, not a server failure. Limits (413) keep their status.
      if (
        error instanceof HttpException ||
        typeof (error as { statusCode?: unknown }).statusCode === 'number'
      ) {
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new ValidationProblem([
        { field: 'body', reason: `not valid multipart/form-data: ${message}` },
      ]);
    }
  }

  private async readUpload(request: FastifyRequest): Promise<ImportRequest> {
    let upload: { content: Buffer; name: string } | undefined;
    const fields: Record<string, string> = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload) {
          throw new ValidationProblem([
            { field: part.fieldname, reason: 'send exactly one file, in the field "file"' },
          ]);
        }
        upload = { content: await part.toBuffer(), name: part.filename };
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!upload) throw new ValidationProblem([{ field: 'file', reason: 'a CSV file is required' }]);
    const unknown = Object.keys(fields).filter((name) => name !== 'format' && name !== 'strict');
    if (unknown.length > 0) {
      throw new ValidationProblem(unknown.map((field) => ({ field, reason: 'unknown field' })));
    }
    if (fields.format !== undefined && !(FORMATS as readonly string[]).includes(fields.format)) {
      throw new ValidationProblem([
        { field: 'format', reason: `must be one of ${FORMATS.join(', ')}` },
      ]);
    }
    if (fields.strict !== undefined && !['true', 'false'].includes(fields.strict)) {
      throw new ValidationProblem([{ field: 'strict', reason: 'must be true or false' }]);
    }
    if (upload.content.length === 0) {
      throw new ProblemException(
        422,
        'unsupported-content',
        'Unsupported content',
        'the uploaded file is empty',
      );
    }
    return {
      content: upload.content,
      sourceDescription: `upload:${upload.name}`,
      format: fields.format,
      strict: fields.strict === 'true',
    };
  }
}
