import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { apiInstant } from '../common/http/api-date';
import { AppConfig } from '../config/app-config';
import { DomainEvents } from '../common/events/domain-events';
import {
  NotFoundProblem,
  ProblemException,
  ValidationProblem,
} from '../common/problem/problem.exception';
import { nativeQuery } from '../infrastructure/database/native-sql';
import { JobContext, JobQueue } from '../infrastructure/queue/job-queue';
import { MatchDataService } from '../matches/read/match-data.service';
import type { InvalidField } from '../common/problem/problem-details';
import {
  DEFAULT_RHO_MAX,
  DEFAULT_RHO_MIN,
  relevantHyperparameters,
  resolveHyperparameters,
  type MatchInput,
  type TrainedModel,
  type TrainingProgress,
} from '../modelling';
import { codeVersion } from './engine/code-version';
import { trainingFingerprint } from './engine/fingerprint';
import { runTrainingInThread, TrainingCancelledError } from './engine/run-training';
import {
  ACTIVE_TRAINING_STATUSES,
  ModelVersion,
  TrainingRun,
  TrainingStatus,
  type TrainingTimings,
  type TrainingTrigger,
} from './entities';
import { ModelRegistryService } from './model-registry.service';
import { searchSpaceErrors } from './search-space';
import { evaluationSummary } from './evaluation-summary';
import type { CreateTrainingRunBody } from './training.dto';

export const TRAINING_QUEUE = 'training';
/**
 * Fewer results than this say next to nothing about the teams, yet the first version of a scope
 * would become its champion and serve predictions (AUTO_TRAIN_MIN_MATCHES is at least this).
 */
const MIN_TRAINING_MATCHES = 20;
const MAX_ATTEMPTS = 3;
const CANCEL_POLL_MS = 500;
const DAY_MS = 86_400_000;

/** A failure no retry can fix (e.g. no data in the window). */
class FinalTrainingError extends Error {}

/**
 * Dixon-Coles fits rho inside (rhoMin, rhoMax), strictly within (-1, 1): bounds it would refuse
 * are refused here, not after a run and its retries fail on them.
 */
function rhoBoundErrors(body: CreateTrainingRunBody): InvalidField[] {
  const given = body.hyperparameters?.dixonColes;
  const resolved = resolveHyperparameters(body.hyperparameters).dixonColes;
  const rhoMin = resolved.rhoMin ?? DEFAULT_RHO_MIN;
  const rhoMax = resolved.rhoMax ?? DEFAULT_RHO_MAX;
  const field = 'hyperparameters.dixonColes';
  const errors: InvalidField[] = [];
  if (rhoMin <= -1) errors.push({ field: `${field}.rhoMin`, reason: 'must be greater than -1' });
  if (rhoMax >= 1) errors.push({ field: `${field}.rhoMax`, reason: 'must be less than 1' });
  if (errors.length === 0 && rhoMin >= rhoMax) {
    errors.push({
      field: `${field}.${given?.rhoMax === undefined ? 'rhoMin' : 'rhoMax'}`,
      reason: `rhoMin (${rhoMin}) must be less than rhoMax (${rhoMax})`,
    });
  }
  return errors;
}

/**
 * Hyperparameters of a group the model type does not read (an Elo run's `dixonColes`) would be
 * stored with the run and change nothing: refused, as the search space refuses them.
 */
function unusedHyperparameterErrors(body: CreateTrainingRunBody): InvalidField[] {
  const used = Object.keys(relevantHyperparameters(body.modelType, resolveHyperparameters()));
  return Object.keys(body.hyperparameters ?? {})
    .filter((group) => !used.includes(group))
    .map((group) => ({
      field: `hyperparameters.${group}`,
      reason: `not used by ${body.modelType} models`,
    }));
}

/** Training runs: validation, queueing (one active run per scope), and the job that trains. */
@Injectable()
export class TrainingService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(TrainingService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
    private readonly matchData: MatchDataService,
    private readonly registry: ModelRegistryService,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Runs queued before this moment were queued by an earlier process. */
  private readonly startedAt = new Date();

  /**
   * With the in-process queue a run's job lives only in the process that queued it: runs an
   * earlier server process left queued or running would never run, and would block their scope
   * for good. The server queues them again at start. (Bull keeps jobs in Redis, so this is for
   * the in-process queue only, and for the server only: a CLI command started beside a running
   * server must not take over its runs.)
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.queue.backend !== 'in-process' || !this.adapterHost.httpAdapter) return;
    const em = this.em.fork();
    const orphans = await em.find(TrainingRun, {
      status: { $in: ACTIVE_TRAINING_STATUSES },
      createdAt: { $lt: this.startedAt },
    });
    if (orphans.length === 0) return;
    for (const run of orphans) {
      run.status = TrainingStatus.Queued;
      run.progress = 0;
      run.log = [
        ...run.log,
        { at: new Date().toISOString(), message: 'queued again: the process that had it stopped' },
      ];
    }
    await em.flush();
    for (const run of orphans) await this.enqueue(run.id);
    this.logger.warn(`queued ${orphans.length} training run(s) left by an earlier process again`);
  }

  private enqueue(trainingRunId: string): Promise<string> {
    return this.queue.enqueue(
      TRAINING_QUEUE,
      { trainingRunId },
      { attempts: MAX_ATTEMPTS, backoffMs: 5000 },
    );
  }

  onModuleInit(): void {
    this.queue.process<{ trainingRunId: string }, void>(TRAINING_QUEUE, (job) => this.run(job));
    // A league that arrives from a live source without a model gets one once it has results.
    const minMatches = this.config.autoTrainMinMatches;
    if (minMatches > 0) {
      this.events.on('results.added', ({ competitionIds }) =>
        this.trainUncovered(competitionIds, minMatches),
      );
    }
    // The quick start serves predictions out of the box: a first model on the demo data.
    this.events.on('demo.loaded', async () => {
      if ((await this.em.fork().count(ModelVersion, {})) > 0) return;
      const run = await this.create({ modelType: 'ensemble' }, null, 'demo-data');
      this.logger.log(`training a first model on the demo data (run ${run.id})`);
    });
  }

  /** Queues a first model for each of these competitions that no champion covers. */
  private async trainUncovered(competitionIds: number[], minMatches: number): Promise<void> {
    for (const { code, finished } of await this.matchData.competitionsWithResults(competitionIds)) {
      if (finished < minMatches || (await this.registry.servingFor(code)).champion) continue;
      try {
        const run = await this.create(
          { modelType: 'ensemble', competitions: [code] },
          null,
          'new-competition',
        );
        this.logger.log(
          `${code} has ${finished} results and no model: training one (run ${run.id})`,
        );
      } catch (error) {
        // A run already training the competition is the one we wanted.
        if (error instanceof ProblemException && error.getStatus() === 409) continue;
        throw error;
      }
    }
  }

  async create(
    body: CreateTrainingRunBody,
    requestedBy: string | null,
    trigger: TrainingTrigger = 'api',
    /** Retraining keeps its champion's scope, even a global one trained on one competition. */
    givenScope?: string,
  ): Promise<TrainingRun> {
    const known = await this.matchData.competitionCodes();
    const competitions = [...new Set(body.competitions ?? known)].sort();
    // Counted once deduplicated: ["x", "x"] is competition x's scope, not a global model of x.
    const scope =
      givenScope ?? (body.competitions && competitions.length === 1 ? competitions[0] : 'global');
    const unknown = competitions.filter((c) => !known.includes(c));
    if (unknown.length > 0) {
      throw new ProblemException(
        422,
        'unknown-competition',
        'Unknown competition',
        `no finished matches stored for ${unknown.join(', ')}`,
        [{ field: 'competitions', reason: `unknown or without results: ${unknown.join(', ')}` }],
      );
    }
    if (competitions.length === 0) {
      throw new ProblemException(
        422,
        'no-data',
        'No data',
        'no finished matches stored yet: import data first',
      );
    }
    // Paths of a group the model type ignores are refused at the API; a retrain repeats what its
    // champion's run (perhaps older than that rule) searched.
    const errors = body.searchSpace
      ? searchSpaceErrors(body.searchSpace, trigger === 'api' ? body.modelType : undefined)
      : [];
    if (trigger === 'api') errors.push(...unusedHyperparameterErrors(body));
    errors.push(...rhoBoundErrors(body));
    if (errors.length > 0) throw new ValidationProblem(errors);

    const em = this.em.fork();
    const run = em.create(TrainingRun, {
      modelType: body.modelType,
      scope,
      competitions,
      dataFrom: body.from ? apiInstant(body.from) : null,
      dataTo: body.to ? apiInstant(body.to) : null,
      hyperparameters: JSON.parse(JSON.stringify(body.hyperparameters ?? {})),
      searchSpace: body.searchSpace ?? null,
      evaluationWeeks: body.evaluationWeeks ?? this.config.trainingEvaluationWeeks,
      trigger,
      requestedBy,
      log: [{ at: new Date().toISOString(), message: `queued (${trigger})` }],
    });
    try {
      await em.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const active = await this.em
        .fork()
        .findOne(TrainingRun, { scope: run.scope, status: { $in: ACTIVE_TRAINING_STATUSES } });
      throw new ProblemException(
        409,
        'training-already-active',
        'A training run is already active',
        `run ${active?.id ?? '?'} is already training scope ${run.scope}; wait for it or cancel it`,
      );
    }
    await this.enqueue(run.id);
    return run;
  }

  async get(id: string): Promise<TrainingRun> {
    const run = await this.em.fork().findOne(TrainingRun, { id });
    if (!run) throw new NotFoundProblem('training run', id);
    return run;
  }

  async list(offset: number, limit: number): Promise<{ items: TrainingRun[]; total: number }> {
    const [items, total] = await this.em
      .fork()
      .findAndCount(TrainingRun, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, offset, limit });
    return { items, total };
  }

  /** Cancels a queued or running run; a running one stops within a second. */
  async cancel(id: string, by: string | null): Promise<TrainingRun> {
    const line = { at: new Date().toISOString(), message: `cancelled${by ? ` by ${by}` : ''}` };
    // A run whose version is saved is finishing (its aliases may already have changed): a cancel
    // now would be answered "cancelled" and then overwritten by "succeeded".
    const updated = await nativeQuery<{ id: string }>(
      this.em,
      `update training_runs set status = 'cancelled', finished_at = now(),
         log = log || $2::jsonb
       where id = $1 and status in ('queued', 'running') and model_version_id is null
       returning id`,
      [id, JSON.stringify([line])],
    );
    if (updated.length === 0) {
      const run = await this.get(id);
      throw new ProblemException(
        409,
        'training-finished',
        'Training run already finished',
        run.modelVersionId && ACTIVE_TRAINING_STATUSES.includes(run.status)
          ? `run ${id} has saved model version ${run.modelVersionId} and is finishing; it can no longer be cancelled`
          : `run ${id} is ${run.status}; only queued or running runs can be cancelled`,
      );
    }
    // Subscribers waiting for the run to end hear of a cancellation too.
    await this.events.emit('training.finished', {
      trainingRunId: id,
      status: TrainingStatus.Cancelled,
      modelVersionId: null,
    });
    return this.get(id);
  }

  private async run(job: JobContext<{ trainingRunId: string }>): Promise<void> {
    const run = await this.em.fork().findOne(TrainingRun, { id: job.data.trainingRunId });
    if (!run || !ACTIVE_TRAINING_STATUSES.includes(run.status)) return; // cancelled meanwhile
    const started = Date.now();
    // Started only if still active when written: a cancel committed since the read above would
    // otherwise be overwritten by "running" (and its log line with it). A retry starts at 0 %.
    const starting = await nativeQuery<{ id: string }>(
      this.em,
      `update training_runs set status = 'running', started_at = now(), attempts = $2,
         error = null, progress = 0, log = log || $3::jsonb
       where id = $1 and status in ('queued', 'running') returning id`,
      [
        run.id,
        job.attempt,
        JSON.stringify([
          { at: new Date().toISOString(), message: `attempt ${job.attempt} started` },
        ]),
      ],
    );
    if (starting.length === 0) return;

    const abort = new AbortController();
    const watcher = setInterval(() => {
      // Caught: an unhandled rejection (a database blip) would end the whole process.
      this.statusOf(run.id).then(
        (status) => {
          if (status === TrainingStatus.Cancelled) abort.abort();
        },
        (error: unknown) => this.logger.warn({ err: error }, 'could not check for a cancel'),
      );
    }, CANCEL_POLL_MS);
    // Known once saved: a run saves at most one version, and a retry finishes with it.
    let versionId: string | null = null;
    try {
      // An earlier attempt saved the version, then a later step failed (an alias change, the
      // final update, a blip after the insert): this attempt finishes the run with that version.
      const saved = await this.em.fork().findOne(ModelVersion, { trainingRunId: run.id });
      if (saved) {
        await this.appendLog(
          run.id,
          `model version ${saved.id} was saved by an earlier attempt: finishing the run without training again`,
        );
      }
      const { version, timings }: { version: ModelVersion; timings: TrainingTimings } = saved
        ? { version: saved, timings: {} }
        : await this.trainAndSave(run, job, abort.signal, started);
      versionId = version.id;
      const promoteStarted = Date.now();
      // Aliases first: a run reported as succeeded already has its champion in place.
      await this.registry.afterTraining(version, run.trigger);
      const saveMs = (timings.saveMs ?? 0) + Date.now() - promoteStarted;
      await nativeQuery(
        this.em,
        `update training_runs set status = 'succeeded', progress = 100, model_version_id = $2,
           finished_at = now(), timings = $3::jsonb, log = log || $4::jsonb
         where id = $1`,
        [
          run.id,
          version.id,
          JSON.stringify({ ...timings, saveMs, totalMs: Date.now() - started }),
          JSON.stringify([
            {
              at: new Date().toISOString(),
              message: `model version ${version.id}: ${evaluationSummary(version.evaluation)}`,
            },
          ]),
        ],
      );
      await this.events.emit('training.finished', {
        trainingRunId: run.id,
        status: TrainingStatus.Succeeded,
        modelVersionId: version.id,
      });
      this.logger.log(
        { trainingRunId: run.id, modelVersionId: version.id, ...timings, saveMs },
        'training finished',
      );
    } catch (error) {
      if (error instanceof TrainingCancelledError) return;
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof FinalTrainingError || job.attempt >= job.maxAttempts;
      this.logger.error({ err: error, trainingRunId: run.id }, 'training failed');
      await nativeQuery(
        this.em,
        `update training_runs set status = $2, error = $3, finished_at = case when $4 then now() end,
           progress = case when $4 then progress else 0 end, log = log || $5::jsonb
         where id = $1 and status = 'running'`,
        [
          run.id,
          final ? TrainingStatus.Failed : TrainingStatus.Queued,
          message,
          final,
          JSON.stringify([
            {
              at: new Date().toISOString(),
              message: final
                ? `failed: ${message}`
                : `attempt ${job.attempt} failed (${message}); retrying`,
            },
          ]),
        ],
      );
      if (final) {
        // A version saved before the failure stays saved (and may hold an alias): said, not hidden.
        await this.events.emit('training.finished', {
          trainingRunId: run.id,
          status: TrainingStatus.Failed,
          modelVersionId: versionId ?? run.modelVersionId,
        });
      } else {
        throw error;
      }
    } finally {
      clearInterval(watcher);
    }
  }

  /** Loads the run's data, trains it in a worker thread and saves the version. */
  private async trainAndSave(
    run: TrainingRun,
    job: JobContext<{ trainingRunId: string }>,
    signal: AbortSignal,
    started: number,
  ): Promise<{ version: ModelVersion; timings: TrainingTimings }> {
    const matches = await this.matchData.trainingMatches({
      competitions: run.competitions,
      ...(run.dataFrom ? { from: run.dataFrom } : {}),
      ...(run.dataTo ? { to: run.dataTo } : {}),
    });
    if (matches.length < MIN_TRAINING_MATCHES) {
      throw new FinalTrainingError(
        `only ${matches.length} finished matches in the data window; a model needs at least ${MIN_TRAINING_MATCHES}`,
      );
    }
    const loadMs = Date.now() - started;
    const lastKickoff = matches[matches.length - 1].kickoff;
    // Deterministic fit time: the day after the last result, or the window's end if earlier. A
    // later `to` (even one in the future) would only empty the held-out weeks.
    const dayAfterLast = (Math.floor(lastKickoff / DAY_MS) + 1) * DAY_MS;
    const asOf = Math.min(run.dataTo?.getTime() ?? Infinity, dayAfterLast);
    await this.appendLog(run.id, `loaded ${matches.length} finished matches in ${loadMs} ms`);
    const trainStarted = Date.now();
    const progress = this.progressRecorder(run.id, job);
    const trained = await runTrainingInThread(
      matches,
      {
        type: run.modelType,
        hyperparameters: resolveHyperparameters(run.hyperparameters),
        asOf,
        evaluationWeeks: run.evaluationWeeks,
        ...(run.searchSpace ? { searchSpace: run.searchSpace } : {}),
      },
      progress,
      signal,
    )
      .catch((error: unknown) => {
        if (error instanceof RangeError) throw new FinalTrainingError(error.message);
        throw error;
      })
      // Its last lines are in the log before the run's final update (which ends 'running').
      .finally(() => progress.written());
    const trainMs = Date.now() - trainStarted;
    const saveStarted = Date.now();
    const version = await this.saveVersion(run, trained, matches, asOf);
    return { version, timings: { loadMs, trainMs, saveMs: Date.now() - saveStarted } };
  }

  /**
   * Saves the version unless the run was cancelled meanwhile (checked under a row lock), or
   * answers the one it already has (model_versions_training_run_id_unique: one per run).
   */
  private async saveVersion(
    run: TrainingRun,
    trained: TrainedModel,
    matches: MatchInput[],
    asOf: number,
  ): Promise<ModelVersion> {
    return this.em.fork().transactional(async (tx) => {
      const fresh = await tx.findOneOrFail(
        TrainingRun,
        { id: run.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (fresh.status !== TrainingStatus.Running) throw new TrainingCancelledError();
      const saved = await tx.findOne(ModelVersion, { trainingRunId: run.id });
      if (saved) return saved;
      const version = tx.create(ModelVersion, {
        modelType: run.modelType,
        scope: run.scope,
        competitions: trained.parameters.competitions,
        parameters: trained.parameters,
        hyperparameters: trained.parameters.hyperparameters,
        evaluation: trained.evaluation,
        search: trained.search ?? null,
        fingerprint: trainingFingerprint(matches),
        matchesUsed: trained.matchesUsed,
        dataFrom: new Date(matches[0].kickoff),
        dataTo: new Date(matches[matches.length - 1].kickoff),
        asOf: new Date(asOf),
        codeVersion: codeVersion(),
        createdBy: run.requestedBy,
        trainingRunId: run.id,
      });
      // From here on the run can no longer be cancelled (see cancel()).
      fresh.modelVersionId = version.id;
      return version;
    });
  }

  /**
   * Progress to the job and the run (at most every 2 %), phase messages to the run's log. The
   * run's writes go one at a time, in order: two at once could commit in either order ("done"
   * logged before "final fit"); `written()` settles once every write so far has.
   */
  private progressRecorder(runId: string, job: JobContext<unknown>) {
    let saved = 0;
    let lastMessage = '';
    let writes = Promise.resolve();
    const record = (progress: TrainingProgress) => {
      const percent = Math.floor(progress.fraction * 99);
      const phase = progress.message.startsWith('backtest week') ? '' : progress.message;
      if (percent - saved < 2 && (!phase || phase === lastMessage)) return;
      saved = percent;
      const lines =
        phase && phase !== lastMessage ? [{ at: new Date().toISOString(), message: phase }] : [];
      lastMessage = phase || lastMessage;
      job
        .reportProgress(percent)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not report progress'));
      writes = writes
        .then(() =>
          nativeQuery(
            this.em,
            `update training_runs set progress = greatest(progress, $2), log = log || $3::jsonb
             where id = $1 and status = 'running'`,
            [runId, percent, JSON.stringify(lines)],
          ),
        )
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn({ err: error }, 'could not record progress'),
        );
    };
    return Object.assign(record, { written: () => writes });
  }

  private async appendLog(id: string, message: string): Promise<void> {
    await nativeQuery(this.em, `update training_runs set log = log || $2::jsonb where id = $1`, [
      id,
      JSON.stringify([{ at: new Date().toISOString(), message }]),
    ]);
  }

  private async statusOf(id: string): Promise<TrainingStatus | undefined> {
    const rows = await nativeQuery<{ status: TrainingStatus }>(
      this.em,
      'select status from training_runs where id = $1',
      [id],
    );
    return rows[0]?.status;
  }
}
