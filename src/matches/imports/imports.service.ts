import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../config/app-config';
import { DomainEvents } from '../../common/events/domain-events';
import { AddressPolicy } from '../../common/net/address-policy';
import { NotFoundProblem } from '../../common/problem/problem.exception';
import { JobContext, JobQueue } from '../../infrastructure/queue/job-queue';
import { ImportPayload, ImportRun, ImportStatus } from '../entities';
import { IngestionService } from './ingestion.service';
import { fetchImportSource } from './source-fetcher';

export const IMPORT_QUEUE = 'imports';

export interface ImportRequest {
  content: Buffer;
  sourceDescription: string;
  format?: string;
  strict?: boolean;
}

interface ImportJobData {
  importRunId: string;
}

/**
 * Import runs as background jobs: the request stores the bytes and queues the run; a worker
 * (Bull or in-process) imports them and records progress, counts and row issues on the run.
 */
@Injectable()
export class ImportsService implements OnModuleInit {
  private readonly logger = new Logger(ImportsService.name);
  private readonly addresses: AddressPolicy;

  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
    private readonly ingestion: IngestionService,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {
    this.addresses = new AddressPolicy(config.importAllowedNetworks);
  }

  onModuleInit(): void {
    this.queue.process<ImportJobData, void>(IMPORT_QUEUE, (job) => this.run(job));
  }

  /**
   * Downloads a URL source; an error status, HTML or an empty body is refused here (422). A URL
   * from an API caller must lead only to public addresses or IMPORT_ALLOWED_NETWORKS; the
   * operator's CLI (`fromOperator`) may read any host it can reach.
   */
  fetchUrl(url: string, { fromOperator = false } = {}): Promise<Buffer> {
    return fetchImportSource(url, {
      timeoutMs: this.config.importUrlTimeoutMs,
      maxBytes: this.config.importMaxUploadBytes,
      expected: 'CSV',
      ...(fromOperator ? {} : { addresses: this.addresses }),
    });
  }

  async enqueue(request: ImportRequest): Promise<ImportRun> {
    const em = this.em.fork();
    const run = em.create(ImportRun, {
      sourceDescription: request.sourceDescription,
      requestedFormat: request.format ?? null,
      strict: request.strict ?? false,
    });
    em.create(ImportPayload, { importRunId: run.id, content: request.content });
    await em.flush();
    await this.queue.enqueue<ImportJobData>(
      IMPORT_QUEUE,
      { importRunId: run.id },
      { attempts: 3, backoffMs: 2000 },
    );
    return run;
  }

  async get(id: string): Promise<ImportRun> {
    const run = await this.em.fork().findOne(ImportRun, { id });
    if (!run) throw new NotFoundProblem('import', id);
    return run;
  }

  async list(offset: number, limit: number): Promise<{ items: ImportRun[]; total: number }> {
    const [items, total] = await this.em
      .fork()
      .findAndCount(ImportRun, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, offset, limit });
    return { items, total };
  }

  private async run(job: JobContext<ImportJobData>): Promise<void> {
    const em = this.em.fork();
    const run = await em.findOneOrFail(ImportRun, { id: job.data.importRunId });
    const payload = await em.findOneOrFail(ImportPayload, { importRunId: run.id });
    Object.assign(run, {
      status: ImportStatus.Running,
      startedAt: new Date(),
      attempts: job.attempt,
      error: null,
    });
    await em.flush();
    let lastSaved = 0;
    try {
      const report = await this.ingestion.importContent(payload.content, {
        format: run.requestedFormat ?? undefined,
        strict: run.strict,
        onProgress: async (percent) => {
          await job.reportProgress(percent);
          if (percent - lastSaved >= 5 || percent === 100) {
            lastSaved = percent;
            await this.em
              .fork()
              .nativeUpdate(ImportRun, { id: run.id }, { progress: Math.round(percent) });
          }
        },
      });
      Object.assign(run, {
        status: report.outcome === 'committed' ? ImportStatus.Succeeded : ImportStatus.Rejected,
        detectedFormat: report.format,
        counts: report.counts,
        issues: report.issues,
        newTeams: report.newTeams,
        progress: 100,
        finishedAt: new Date(),
      });
      em.remove(payload);
      await em.flush();
      await this.events.emit('import.finished', { importRunId: run.id, outcome: run.status });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, importRunId: run.id }, 'import failed');
      // Client-facing problems (bad format) are final; anything else may succeed on a retry.
      const final = (error as { getStatus?: () => number }).getStatus?.() !== undefined;
      const status = final ? ImportStatus.Rejected : ImportStatus.Failed;
      // A fresh context and plain updates: when saving the result was what failed, the first
      // context still holds those changes and would fail the same way, leaving 'running'.
      const failed = this.em.fork();
      await failed.nativeUpdate(
        ImportRun,
        { id: run.id },
        {
          status,
          error: final
            ? message
            : job.attempt >= job.maxAttempts
              ? `the import failed unexpectedly ${job.attempt} times; upload it again`
              : 'the import failed unexpectedly; it is retried automatically',
          finishedAt: new Date(),
        },
      );
      // A final refusal is never retried: its bytes are not needed any more.
      if (final) await failed.nativeDelete(ImportPayload, { importRunId: run.id });
      if (final || job.attempt >= job.maxAttempts) {
        await this.events.emit('import.finished', { importRunId: run.id, outcome: status });
      }
      if (!final) throw error;
    }
  }
}
