import type { AppConfig } from '../../config/app-config';
import type { ModelRegistryService, ScopeAliases } from '../../training/model-registry.service';
import type { TrainingScheduleService } from '../../training/training-schedule.service';
import { MetricsService } from '../../infrastructure/metrics/metrics.service';
import { ModelOversightService } from './model-oversight.service';
import type { Drift, PerformanceService } from './performance.service';

const version = (id: string, expectedRps = 0.2) => ({
  id,
  scope: 'x',
  modelType: 'elo',
  competitions: ['x'],
  asOf: new Date(0),
  expectedRps,
});

function setUp(options: {
  aliases: ScopeAliases;
  headToHead?: { count: number; rpsA: number; rpsB: number };
  drift?: Partial<Drift>;
  autoPromote?: boolean;
  retrainThreshold?: number;
}) {
  const promote = jest.fn().mockResolvedValue(undefined);
  const retrainChampions = jest.fn().mockResolvedValue([]);
  const registry = {
    allAliases: async () => new Map([['x', options.aliases]]),
    promote,
  } as unknown as ModelRegistryService;
  const performance = {
    headToHead: async () => options.headToHead ?? { count: 0, rpsA: NaN, rpsB: NaN },
    drift: async () => ({
      window: 50,
      count: 50,
      rollingRps: 0.21,
      expectedRps: 0.2,
      difference: 0.01,
      ...options.drift,
    }),
  } as unknown as PerformanceService;
  const config = {
    autoPromotion: { enabled: options.autoPromote ?? true, margin: 0.002, minMatches: 100 },
    drift: { window: 50, retrainThreshold: options.retrainThreshold ?? 0 },
  } as unknown as AppConfig;
  const schedule = { retrainChampions } as unknown as TrainingScheduleService;
  return {
    service: new ModelOversightService(
      registry,
      performance,
      schedule,
      config,
      new MetricsService(),
    ),
    promote,
    retrainChampions,
  };
}

describe('ModelOversightService', () => {
  const both = { champion: version('champ'), challenger: version('chall') };

  it('promotes a challenger that beats the champion by the margin on enough shared matches', async () => {
    const { service, promote } = setUp({
      aliases: both,
      headToHead: { count: 150, rpsA: 0.195, rpsB: 0.2 },
    });
    await service.afterScoring(['chall']);
    expect(promote).toHaveBeenCalledWith(
      'chall',
      'champion',
      null,
      'auto-promote',
      expect.stringContaining('150 matches'),
      // Only over the champion it was compared with.
      'champ',
    );
  });

  it('never promotes a challenger that covers fewer competitions than the champion', async () => {
    const { service, promote } = setUp({
      aliases: {
        champion: { ...version('champ'), competitions: ['x', 'y'] },
        challenger: version('chall'),
      },
      headToHead: { count: 500, rpsA: 0.18, rpsB: 0.2 },
    });
    await service.afterScoring(['chall']);
    expect(promote).not.toHaveBeenCalled();
  });

  it.each([
    ['too few shared matches', { count: 99, rpsA: 0.19, rpsB: 0.2 }, true],
    ['not better by the margin', { count: 500, rpsA: 0.1985, rpsB: 0.2 }, true],
    ['the policy is off', { count: 500, rpsA: 0.19, rpsB: 0.2 }, false],
  ])('does not promote when %s', async (_why, headToHead, autoPromote) => {
    const { service, promote } = setUp({ aliases: both, headToHead, autoPromote });
    await service.afterScoring(['champ']);
    expect(promote).not.toHaveBeenCalled();
  });

  it('ignores scores of versions that hold no alias', async () => {
    const { service, promote, retrainChampions } = setUp({
      aliases: both,
      headToHead: { count: 500, rpsA: 0.1, rpsB: 0.2 },
      retrainThreshold: 0.001,
    });
    await service.afterScoring(['someone-else']);
    expect(promote).not.toHaveBeenCalled();
    expect(retrainChampions).not.toHaveBeenCalled();
  });

  it('retrains a drifting champion once its window is full, unless a challenger already exists', async () => {
    const drifting = setUp({ aliases: { champion: version('champ') }, retrainThreshold: 0.005 });
    await drifting.service.afterScoring(['champ']);
    expect(drifting.retrainChampions).toHaveBeenCalledWith('drift', 'x');

    const withChallenger = setUp({ aliases: both, retrainThreshold: 0.005, autoPromote: false });
    await withChallenger.service.afterScoring(['champ']);
    expect(withChallenger.retrainChampions).not.toHaveBeenCalled();

    const notFull = setUp({
      aliases: { champion: version('champ') },
      retrainThreshold: 0.005,
      drift: { count: 49 },
    });
    await notFull.service.afterScoring(['champ']);
    expect(notFull.retrainChampions).not.toHaveBeenCalled();

    const withinThreshold = setUp({
      aliases: { champion: version('champ') },
      retrainThreshold: 0.02,
    });
    await withinThreshold.service.afterScoring(['champ']);
    expect(withinThreshold.retrainChampions).not.toHaveBeenCalled();
  });
});
