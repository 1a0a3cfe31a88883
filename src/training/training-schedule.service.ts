import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../config/app-config';
import { ProblemException } from '../common/problem/problem.exception';
import { JobQueue } from '../infrastructure/queue/job-queue';
import { ModelVersion, TrainingRun } from './entities';
import { ModelRegistryService } from './model-registry.service';
import { TrainingService } from './training.service';
import type { TrainingTrigger } from './entities';

export const SCHEDULE_QUEUE = 'training-schedule';
const SCHEDULE_NAME = 'retrain-champions';

/**
 * Scheduled retraining (TRAINING_SCHEDULE, cron in UTC) as a repeatable queue job: with several
 * replicas each tick runs once. Each tick retrains every scope's champion with the same settings
 * on the data now stored; the new versions become challengers.
 */
@Injectable()
export class TrainingScheduleService implements OnModuleInit {
  private readonly logger = new Logger(TrainingScheduleService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
    private readonly registry: ModelRegistryService,
    private readonly training: TrainingService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const cron = this.config.trainingSchedule;
    if (!cron) return;
    this.queue.process(SCHEDULE_QUEUE, () => this.retrainChampions('schedule'));
    // Not awaited: a start must not wait for Redis (readiness reports it, and the API serves
    // meanwhile); Bull sends the schedule once connected.
    this.queue.schedule(SCHEDULE_QUEUE, SCHEDULE_NAME, cron, {}).then(
      () => this.logger.log(`scheduled retraining: ${cron} (UTC)`),
      (error: unknown) => this.logger.error({ err: error }, 'could not schedule retraining'),
    );
  }

  /** Queues a retrain of each scope's champion (or one scope); returns the runs queued. */
  async retrainChampions(trigger: TrainingTrigger, onlyScope?: string): Promise<string[]> {
    const queued: string[] = [];
    for (const [scope, aliases] of await this.registry.allAliases()) {
      if (!aliases.champion || (onlyScope && scope !== onlyScope)) continue;
      const em = this.em.fork();
      const version = await em.findOneOrFail(ModelVersion, { id: aliases.champion.id });
      const origin = version.trainingRunId
        ? await em.findOne(TrainingRun, { id: version.trainingRunId })
        : null;
      try {
        const run = await this.training.create(
          {
            modelType: version.modelType,
            competitions: scope === 'global' ? version.competitions : [scope],
            ...(origin?.dataFrom ? { from: origin.dataFrom.toISOString() } : {}),
            hyperparameters: origin?.hyperparameters ?? {},
            // The same settings include the search: without it the retrain falls back to the
            // defaults where the champion's run had chosen values.
            ...(origin?.searchSpace ? { searchSpace: origin.searchSpace } : {}),
            evaluationWeeks: origin?.evaluationWeeks ?? this.config.trainingEvaluationWeeks,
          },
          null,
          trigger,
          scope,
        );
        queued.push(run.id);
      } catch (error) {
        // A run already active for the scope is the retrain we wanted.
        if (error instanceof ProblemException && error.getStatus() === 409) continue;
        throw error;
      }
    }
    this.logger.log({ trigger, queued }, 'retraining queued');
    return queued;
  }
}
