// npm run bench:webhooks — webhook fan-out and delivery through the real delivery service,
// PostgreSQL and the in-process queue (10 deliveries in parallel), to a receiver on 127.0.0.1:
// 50 subscriptions × 20 events = 1,000 signed deliveries, with a receiver answering at once and
// one taking 50 ms per answer. Reports the time to queue them (rows + jobs), to deliver them,
// deliveries per second and the event-to-receipt latency.
//   DATABASE_URL optional (an embedded PostgreSQL otherwise)
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ormOptions } from '../src/infrastructure/database/orm-options';
import { DomainEvents } from '../src/common/events/domain-events';
import { AddressPolicy } from '../src/common/net/address-policy';
import type { AppConfig } from '../src/config/app-config';
import { MetricsService } from '../src/infrastructure/metrics/metrics.service';
import { InProcessJobQueue } from '../src/infrastructure/queue/in-process-job-queue';
import { AuditService } from '../src/auth/audit/audit.service';
import { User } from '../src/auth/entities/user.entity';
import { WebhookSubscription } from '../src/webhooks/entities';
import { MemoryReceiverSlots } from '../src/webhooks/memory-receiver-slots';
import { WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service';
import { emptyDatabase, printTable } from './support';

const SUBSCRIPTIONS = 50;
const EVENTS = 20;

async function main(): Promise<void> {
  const database = await emptyDatabase();
  const orm = await MikroORM.init(ormOptions(database.url));
  let delayMs = 0;
  let runStarted = 0;
  const received = new Map<string, number>();
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.set(String(request.headers['x-oracxpred-delivery']), performance.now() - runStarted);
      setTimeout(() => response.writeHead(204).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  try {
    await orm.connect();
    await orm.migrator.up();
    const em = orm.em.fork();
    const owner = em.create(User, {
      email: 'bench@oracxpred.test',
      passwordHash: 'not-a-hash',
      role: 'user',
    });
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      em.create(WebhookSubscription, {
        owner,
        url: `http://127.0.0.1:${port}/hook/${i}`,
        events: ['model.promoted'],
        secret: `whsec_bench_${i}`,
      });
    }
    await em.flush();

    const config = {
      webhooks: {
        allowHttp: true,
        allowedNetworks: ['127.0.0.1/32'],
        timeoutMs: 5000,
        maxAttempts: 1,
        backoffMs: 1000,
        disableAfterFailures: 1000,
        maxPerUser: SUBSCRIPTIONS,
        retentionDays: 0,
        maxInFlightPerSubscription: 2,
      },
    } as unknown as AppConfig;
    const queue = new InProcessJobQueue();
    const events = new DomainEvents();
    const service = new WebhookDeliveryService(
      orm.em,
      queue,
      events,
      config,
      new AddressPolicy(config.webhooks.allowedNetworks),
      new AuditService(orm.em),
      new MemoryReceiverSlots(config.webhooks.maxInFlightPerSubscription),
      new MetricsService(),
    );
    service.onModuleInit();

    const rows: Array<Array<string | number>> = [];
    for (const delay of [0, 50]) {
      delayMs = delay;
      received.clear();
      const total = SUBSCRIPTIONS * EVENTS;
      const started = (runStarted = performance.now());
      for (let e = 0; e < EVENTS; e++) {
        await events.emit('model.promoted', {
          scope: `bench-${e}`,
          alias: 'champion',
          versionId: null,
          previousVersionId: null,
        });
      }
      const queued = performance.now() - started;
      while (received.size < total) await new Promise((resolve) => setTimeout(resolve, 20));
      const elapsed = performance.now() - started;
      const latencies = [...received.values()].sort((a, b) => a - b);
      rows.push([
        `receiver answers in ${delay} ms`,
        total,
        `${(queued / 1000).toFixed(2)} s`,
        `${(elapsed / 1000).toFixed(2)} s`,
        Math.round(total / (elapsed / 1000)),
        `${latencies[Math.floor(latencies.length * 0.5)].toFixed(0)} ms`,
        `${latencies[Math.floor(latencies.length * 0.99)].toFixed(0)} ms`,
      ]);
    }
    printTable(
      `Webhooks: ${SUBSCRIPTIONS} subscriptions × ${EVENTS} events, concurrency 10, in-process queue`,
      [
        'case',
        'deliveries',
        'queued in',
        'all delivered in',
        'deliveries/s',
        'p50 wait',
        'p99 wait',
      ],
      rows,
    );
    process.stdout.write(
      'p50/p99 wait: from the start of the run (all events emitted at once) to each receipt.\n',
    );
    await queue.close();
  } finally {
    await orm.close();
    await new Promise((resolve) => receiver.close(resolve));
    await database.dispose();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
