// npm run bench:collector — the cost of live collection at the virtual league's default pace: how
// long the league takes to answer its feed, and how long a poll takes (HTTP fetch, normalisation,
// ingestion) on an empty database, again on the same feed (nothing changed), and four minutes
// later (a kick-off, moved odds, live scores, a result), for a day and for a week of results
// kept in the feed. Target: a poll well under its one-minute interval.
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { createServer } from 'node:http';
import type { AppConfig } from '../src/config/app-config';
import { SOURCE_DEFAULTS } from '../src/config/collector-sources';
import { DomainEvents } from '../src/common/events/domain-events';
import { ormOptions } from '../src/infrastructure/database/orm-options';
import { MetricsService } from '../src/infrastructure/metrics/metrics.service';
import { InProcessJobQueue } from '../src/infrastructure/queue/in-process-job-queue';
import { CollectorService } from '../src/matches/collector/collector.service';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { VirtualLeague } from '../src/matches/virtual-league/virtual-league';
import { emptyDatabase, printTable } from './support';

const DAY = 86_400_000;
const DEFAULT_PACE = {
  kickoffIntervalMs: 240_000,
  matchDurationMs: 300_000,
  publishLeadMs: 1_800_000,
};

async function measure(retentionDays: number): Promise<Array<string | number>> {
  const league = new VirtualLeague({
    seed: 2026,
    epoch: Date.UTC(2026, 0, 1),
    retentionMs: retentionDays * DAY,
    ...DEFAULT_PACE,
  });
  // The real time: odds are stored only for kick-offs ahead of the wall clock.
  let clock = Date.now();
  const feedTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    league.feed(clock);
    feedTimes.push(performance.now() - started);
  }
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(league.feed(clock)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const source = {
    ...SOURCE_DEFAULTS,
    id: 'virtual-league',
    provider: 'virtual-league' as const,
    url: `http://127.0.0.1:${port}/feed`,
  };
  const database = await emptyDatabase();
  const orm = await MikroORM.init(ormOptions(database.url));
  try {
    await orm.connect();
    await orm.migrator.up();
    const metrics = new MetricsService();
    const config = {
      collectorSources: [source],
      importMaxUploadBytes: 50 * 1024 * 1024,
    } as unknown as AppConfig;
    const queue = new InProcessJobQueue();
    const collector = new CollectorService(
      orm.em,
      config,
      queue,
      new IngestionService(orm.em, new DomainEvents(), metrics),
      metrics,
    );
    await collector.onApplicationBootstrap();
    await queue.unschedule('collector-poll', 'poll:virtual-league');
    const poll = async () => {
      const result = await collector.poll('virtual-league', 'manual');
      if (result.outcome !== 'succeeded')
        throw new Error(`poll ${result.outcome}: ${result.reason}`);
      return result;
    };
    const first = await poll();
    const same = await poll();
    clock += 240_000;
    const later = await poll();
    await queue.close();
    return [
      `${retentionDays} day(s)`,
      first.counts!.rowsRead,
      Math.round(JSON.stringify(league.feed(clock)).length / 1024),
      (feedTimes.reduce((s, t) => s + t, 0) / feedTimes.length).toFixed(1),
      first.durationMs,
      same.durationMs,
      `${later.durationMs} (${later.counts!.matchesInserted} new, ${later.counts!.matchesUpdated} updated, ${later.counts!.oddsWritten} odds)`,
    ];
  } finally {
    await orm.close();
    await database.dispose();
    server.close();
  }
}

async function main(): Promise<void> {
  const rows = [];
  for (const days of [1, 7]) rows.push(await measure(days));
  printTable(
    'Collector: one poll of the virtual league at its default pace (a kick-off every 4 minutes)',
    [
      'results kept',
      'matches in feed',
      'feed KB',
      'feed build ms',
      'first poll ms',
      'same feed ms',
      '4 minutes later ms',
    ],
    rows,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
