// npm run bench:import — imports all of ../shared/data/football/history (32,529 matches with
// their odds) into an empty database through the service's ingestion path, and compares it with
// psql \copy of the same rows into an equivalent flat table. Target: < 5 s, within 3x of \copy.
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ormOptions } from '../src/infrastructure/database/orm-options';
import { DomainEvents } from '../src/common/events/domain-events';
import { MetricsService } from '../src/infrastructure/metrics/metrics.service';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { emptyDatabase, printTable, psql, sharedDataDir } from './support';

const FLAT_TABLE = `create table history_copy (
  date timestamp, country text, league text, season text, home_team text, away_team text,
  fthg smallint, ftag smallint, hthg smallint, htag smallint,
  home_close numeric, home_open numeric, draw_close numeric, draw_open numeric,
  away_close numeric, away_open numeric, over_close numeric, over_open numeric,
  under_close numeric, under_open numeric, bts_yes_close numeric, bts_yes_open numeric,
  bts_no_close numeric, bts_no_open numeric)`;

async function main(): Promise<void> {
  const dir = sharedDataDir('football', 'history');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(dir, f));
  const contents = files.map((file) => readFileSync(file));
  const database = await emptyDatabase();
  try {
    const orm = await MikroORM.init(ormOptions(database.url));
    await orm.connect();
    await orm.migrator.up();
    const ingestion = new IngestionService(orm.em, new DomainEvents(), new MetricsService());

    const started = performance.now();
    let matches = 0;
    let odds = 0;
    const perFile: Array<Array<string | number>> = [];
    for (const [index, content] of contents.entries()) {
      const fileStart = performance.now();
      const report = await ingestion.importContent(content);
      matches += report.counts.matchesInserted;
      odds += report.counts.oddsWritten;
      const ms = performance.now() - fileStart;
      perFile.push([
        path.basename(files[index]),
        report.counts.matchesInserted,
        report.counts.oddsWritten,
        ms.toFixed(0),
      ]);
    }
    const importSeconds = (performance.now() - started) / 1000;
    const reimportStart = performance.now();
    for (const content of contents) await ingestion.importContent(content);
    const reimportSeconds = (performance.now() - reimportStart) / 1000;
    await orm.close();

    // (1) The raw CSV rows into one flat table with no index: the floor.
    psql(database.url, ['-c', FLAT_TABLE]);
    const copyStart = performance.now();
    for (const file of files)
      psql(database.url, [
        '-c',
        `\\copy history_copy from '${file}' with (format csv, header true)`,
      ]);
    const copySeconds = (performance.now() - copyStart) / 1000;
    const copied = Number(
      psql(database.url, ['-At', '-c', 'select count(*) from history_copy']).trim(),
    );
    // (2) The same rows the import stores (matches, source keys, odds) into equivalent tables with
    // the same columns, keys and indexes: the like-for-like comparison.
    const dump = mkdtempSync(path.join(tmpdir(), 'oracxpred-copy-'));
    chmodSync(dump, 0o755);
    const tables = ['matches', 'match_source_refs', 'odds_snapshots'];
    for (const table of tables) {
      psql(database.url, [
        '-c',
        `\\copy ${table} to '${path.join(dump, table)}.csv' with (format csv)`,
      ]);
      psql(database.url, ['-c', `create table ${table}_copy (like ${table} including all)`]);
    }
    const equivalentStart = performance.now();
    for (const table of tables) {
      psql(database.url, [
        '-c',
        `\\copy ${table}_copy from '${path.join(dump, table)}.csv' with (format csv)`,
      ]);
    }
    const equivalentSeconds = (performance.now() - equivalentStart) / 1000;
    rmSync(dump, { recursive: true, force: true });

    printTable(
      'Import of ../shared/data/football/history, per file',
      ['file', 'matches', 'odds rows', 'ms'],
      perFile,
    );
    printTable(
      'Import benchmark (empty database)',
      ['measure', 'value', 'target'],
      [
        ['matches imported', matches, '32529'],
        ['odds snapshots written', odds, ''],
        ['import time (s), parse + resolve + write', importSeconds.toFixed(2), '< 5'],
        ['matches per second', Math.round(matches / importSeconds), ''],
        ['re-import of the same files (s), no changes', reimportSeconds.toFixed(2), ''],
        ['psql \\copy, raw CSV rows into one flat table (s)', copySeconds.toFixed(2), ''],
        ['rows copied by \\copy', copied, '32529'],
        ['psql \\copy, stored rows into equivalent tables (s)', equivalentSeconds.toFixed(2), ''],
        [
          'import / \\copy (equivalent tables)',
          (importSeconds / equivalentSeconds).toFixed(2),
          '<= 3',
        ],
        ['import / \\copy (flat table)', (importSeconds / copySeconds).toFixed(2), ''],
      ],
    );
    const ok = matches === 32_529 && importSeconds < 5 && importSeconds / equivalentSeconds <= 3;
    process.stdout.write(`\n${ok ? 'targets met' : 'TARGETS NOT MET'}\n`);
  } finally {
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
