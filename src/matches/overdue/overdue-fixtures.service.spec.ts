import { Logger } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvents } from '../../common/events/domain-events';
import type { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../infrastructure/metrics/metrics.service';
import { OverdueFixturesService } from './overdue-fixtures.service';

/** An entity manager whose pool answers every query with `answer` (or throws it). */
function database(answer: () => unknown[]) {
  const queries: Array<{ text: string; values: unknown[] }> = [];
  const em = {
    getConnection: () => ({
      getNativeClient: async () => ({
        query: async (query: { text: string; values: unknown[] }) => {
          queries.push(query);
          return { rows: answer() };
        },
      }),
    }),
  } as unknown as EntityManager;
  return { em, queries };
}

const config = { overdueFixtureHours: 48 } as AppConfig;
const events = {} as DomainEvents;

async function gaugeLines(metrics: MetricsService): Promise<string[]> {
  return (await metrics.render()).body
    .split('\n')
    .filter((line) => line.startsWith('oracxpred_overdue_fixtures{'));
}

describe('the oracxpred_overdue_fixtures gauge', () => {
  it('reads both counts at scrape time, with the cutoff the grace period before now', async () => {
    const { em, queries } = database(() => [{ total: '7', with_twin: '2' }]);
    const metrics = new MetricsService();
    new OverdueFixturesService(em, events, config, metrics);
    const before = Date.now();
    expect(await gaugeLines(metrics)).toEqual([
      'oracxpred_overdue_fixtures{played_twin="true"} 2',
      'oracxpred_overdue_fixtures{played_twin="false"} 5',
    ]);
    expect(queries).toHaveLength(1);
    const cutoff = (queries[0].values[0] as Date).getTime();
    expect(cutoff).toBeLessThanOrEqual(Date.now() - 48 * 3_600_000);
    expect(cutoff).toBeGreaterThanOrEqual(before - 48 * 3_600_000);
  });

  it('leaves its series out when the database cannot be read, and the scrape still answers', async () => {
    let down = false;
    const { em } = database(() => {
      if (down) throw new Error('connection refused');
      return [{ total: '1', with_twin: '1' }];
    });
    const metrics = new MetricsService();
    new OverdueFixturesService(em, events, config, metrics);
    expect(await gaugeLines(metrics)).toHaveLength(2);
    down = true;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      expect(await gaugeLines(metrics)).toEqual([]);
      expect((await metrics.render()).body).toContain('process_cpu_seconds_total');
      expect(warn).toHaveBeenCalledWith(
        { err: expect.any(Error) },
        'overdue fixtures not counted for this scrape',
      );
    } finally {
      warn.mockRestore();
    }
  });
});
