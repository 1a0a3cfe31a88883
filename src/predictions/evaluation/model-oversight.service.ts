import { Injectable, Logger } from '@nestjs/common';
import { ProblemException } from '../../common/problem/problem.exception';
import { AppConfig } from '../../config/app-config';
import { METRICS } from '../../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../../infrastructure/metrics/metrics.service';
import { ModelRegistryService } from '../../training/model-registry.service';
import { TrainingScheduleService } from '../../training/training-schedule.service';
import { PerformanceService } from './performance.service';

/**
 * Decisions taken after predictions are scored: the optional automatic promotion of a challenger
 * that beats the champion on the same matches, and retraining when the champion drifts.
 */
@Injectable()
export class ModelOversightService {
  private readonly logger = new Logger(ModelOversightService.name);

  constructor(
    private readonly registry: ModelRegistryService,
    private readonly performance: PerformanceService,
    private readonly schedule: TrainingScheduleService,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    // Read at scrape time, so the drift alert sees every replica's champions the same way.
    metrics.gauge(METRICS.championRollingRps, async (gauge) => {
      gauge.reset();
      for (const [scope, { champion }] of await this.registry.allAliases()) {
        if (!champion) continue;
        const drift = await this.performance.drift(
          champion.id,
          champion.expectedRps,
          this.config.drift.window,
        );
        if (drift.rollingRps !== null)
          gauge.set({ scope, model_version: champion.id }, drift.rollingRps);
      }
    });
    metrics.gauge(METRICS.championBacktestRps, async (gauge) => {
      gauge.reset();
      for (const [scope, { champion }] of await this.registry.allAliases()) {
        if (champion?.expectedRps != null)
          gauge.set({ scope, model_version: champion.id }, champion.expectedRps);
      }
    });
  }

  async afterScoring(versionIds: string[]): Promise<void> {
    const touched = new Set(versionIds);
    for (const [scope, aliases] of await this.registry.allAliases()) {
      const { champion, challenger } = aliases;
      if (!champion) continue;
      if (!touched.has(champion.id) && !(challenger && touched.has(challenger.id))) continue;
      // A challenger covering fewer competitions would leave the rest without a champion: the
      // policy never does that (an admin still can, by hand).
      const covers = champion.competitions.every((c) => challenger?.competitions.includes(c));
      if (challenger && covers && (await this.maybePromote(champion.id, challenger.id))) continue;
      await this.maybeRetrain(scope, champion.id, champion.expectedRps, challenger?.id);
    }
  }

  private async maybePromote(championId: string, challengerId: string): Promise<boolean> {
    const policy = this.config.autoPromotion;
    if (!policy.enabled) return false;
    const h2h = await this.performance.headToHead(challengerId, championId);
    if (h2h.count < policy.minMatches || !(h2h.rpsA < h2h.rpsB - policy.margin)) return false;
    try {
      // Applied only if the aliases are still the ones compared: this replica's alias cache may
      // be up to two seconds old, and another scoring may be promoting the same challenger.
      await this.registry.promote(
        challengerId,
        'champion',
        null,
        'auto-promote',
        `RPS ${h2h.rpsA.toFixed(4)} vs champion ${h2h.rpsB.toFixed(4)} on the same ${h2h.count} matches (margin ${policy.margin})`,
        championId,
      );
    } catch (error) {
      if (!(error instanceof ProblemException) || error.getStatus() !== 409) throw error;
      this.logger.log({ championId, challengerId, reason: error.message }, 'auto-promotion moot');
      return false;
    }
    return true;
  }

  private async maybeRetrain(
    scope: string,
    championId: string,
    expectedRps: number | null,
    challengerId: string | undefined,
  ): Promise<void> {
    const { window, retrainThreshold } = this.config.drift;
    // A challenger is already the retrained answer to drift, waiting for its evidence.
    if (retrainThreshold <= 0 || challengerId) return;
    const drift = await this.performance.drift(championId, expectedRps, window);
    if (drift.count < window || drift.difference === null || drift.difference <= retrainThreshold)
      return;
    this.logger.warn({ scope, championId, drift }, 'champion drifted: retraining');
    await this.schedule.retrainChampions('drift', scope);
  }
}
