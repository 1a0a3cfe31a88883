// Prints a real /metrics exposition of the app after some traffic (requests, a 404, an import
// with good and bad rows), for `promtool check metrics` (scripts/check-monitoring.sh).
// Needs DATABASE_URL (a server where it may create and drop a scratch database).
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { IngestionService as IngestionServiceType } from '../src/matches/imports/ingestion.service';

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set');
  const name = `oracx_metrics_${randomBytes(4).toString('hex')}`;
  await admin(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL: url.toString(),
    REDIS_URL: '', // in-process jobs: nothing left behind in Redis
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createApp } = require('../src/bootstrap') as typeof import('../src/bootstrap');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { IngestionService } = require('../src/matches/imports/ingestion.service') as {
      IngestionService: typeof IngestionServiceType;
    };
    const app = await createApp();
    await app.getHttpAdapter().getInstance().ready();
    try {
      for (const url of [
        '/v1/matches',
        '/v1/matches/1',
        '/v1/competitions',
        '/nope',
        '/health/ready',
      ]) {
        await app.inject(url);
      }
      const csv = readFileSync(
        path.join(__dirname, '..', 'test', 'fixtures', 'bad-rows.football-data.csv'),
      );
      // Straight through the ingestion service: the import metrics, without an admin sign-in.
      await app.get(IngestionService).importContent(csv);
      process.stdout.write((await app.inject('/metrics')).body);
    } finally {
      await app.close();
    }
  } finally {
    await admin(server, `drop database if exists ${name} with (force)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
