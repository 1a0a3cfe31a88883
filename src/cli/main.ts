// First: the CLI's settings must be in the environment before the configuration is read, which
// happens as soon as the application module is loaded (below).
import './environment';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { readFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import { AppModule } from '../app.module';
import { ProblemException } from '../common/problem/problem.exception';
import { IngestionService } from '../matches/imports/ingestion.service';
import { ImportsService } from '../matches/imports/imports.service';
import { DemoDataService } from '../matches/demo/demo-data.service';
import type { ImportReport } from '../matches/imports/import-report';
import { FirstAdmin } from '../auth/users/first-admin';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { isCommand, misuseOf, parseArgs, type ParsedArgs } from './arguments';
import { CliLogger } from './cli-logger';
import { describeStartupFailure } from '../infrastructure/lifecycle/startup-failure';
import { MigrationsAppliedAtStart } from '../infrastructure/database/database.module';

const USAGE = `Usage:
  npm run cli -- import <path|url> [--format football-data-co-uk|history|international] [--strict]
  npm run cli -- migrate            apply pending database migrations (the production step)
  npm run cli -- migration:create   write a migration for the entities' changes into migrations/
  npm run cli -- demo               load demo data into an empty database
  npm run cli -- create-admin --email <address> [--password-stdin]
                                    create an admin account; without --password-stdin a strong
                                    password is generated and printed once`;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.command || (args.flags.help && isCommand(args.command))) {
    process.stdout.write(`${USAGE}\n`);
    return args.flags.help ? 0 : 2;
  }
  const misuse = misuseOf(args);
  if (misuse) {
    process.stderr.write(`${misuse}\n${USAGE}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: new CliLogger({ logLevels: ['error', 'warn'] }),
    // A failed start (configuration, database) is thrown here and reported plainly below.
    abortOnError: false,
  });
  try {
    // A CLI that ran queued jobs could take an import or a training run and exit in its middle.
    if (process.env.REDIS_URL && app.get(AppConfig).runsJobs) {
      throw new Error('the CLI must not run queued jobs: ./environment was not applied first');
    }
    switch (args.command) {
      case 'import':
        return await importCommand(app.get(IngestionService), app.get(ImportsService), args);
      case 'migrate': {
        // Outside production, opening the database has applied the pending ones already.
        const atStart = app.get(MigrationsAppliedAtStart).names;
        const applied = [...atStart, ...(await app.get(MikroORM).migrator.up()).map((m) => m.name)];
        process.stdout.write(`${applied.length} migration(s) applied; the schema is up to date\n`);
        return 0;
      }
      case 'migration:create': {
        const created = await app.get(MikroORM).migrator.create();
        process.stdout.write(
          created.fileName ? `wrote migrations/${created.fileName}\n` : 'no changes\n',
        );
        return 0;
      }
      case 'create-admin':
        return await createAdminCommand(app.get(FirstAdmin), args);
      case 'demo':
        if (!(await app.get(DemoDataService).loadIntoEmptyDatabase())) {
          process.stderr.write(
            'demo refused: the database has matches already (demo data goes into an empty database only)\n',
          );
          return 1;
        }
        process.stdout.write('demo data loaded\n');
        return 0;
      default:
        throw new Error(`command "${args.command}" has no handler`);
    }
  } finally {
    await app.close();
  }
}

async function createAdminCommand(firstAdmin: FirstAdmin, args: ParsedArgs): Promise<number> {
  const email = String(args.flags.email); // present and valued: misuseOf checked it
  const generated = args.flags['password-stdin'] !== true;
  const password = generated ? randomBytes(18).toString('base64url') : await readStdin();
  try {
    const id = await firstAdmin.createAdmin(email, password, 'cli');
    process.stdout.write(`admin ${email} created (id ${id})\n`);
    if (generated) {
      process.stdout.write(
        `password: ${password}\n(shown once: sign in at POST /v1/auth/login and change it with PUT /v1/me/password)\n`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof ProblemException) {
      process.stderr.write(`create-admin refused: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** The password piped in (first line, without its line break). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function importCommand(
  ingestion: IngestionService,
  imports: ImportsService,
  args: ParsedArgs,
): Promise<number> {
  const [source] = args.positional; // present: misuseOf checked it
  const format = typeof args.flags.format === 'string' ? args.flags.format : undefined;
  const bar = new SingleBar(
    { format: ' importing [{bar}] {percentage}% | {step}', hideCursor: true },
    Presets.shades_classic,
  );
  try {
    const content = /^https?:\/\//i.test(source)
      ? await imports.fetchUrl(source, { fromOperator: true })
      : await readSource(source);
    bar.start(100, 0, { step: source });
    const report = await ingestion.importContent(content, {
      format,
      strict: args.flags.strict === true,
      onProgress: (percent) => bar.update(Math.round(percent)),
    });
    bar.stop();
    printReport(source, report);
    return report.outcome === 'committed' ? 0 : 1;
  } catch (error) {
    bar.stop();
    if (error instanceof ProblemException || error instanceof UnreadableFile) {
      process.stderr.write(`import refused: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

class UnreadableFile extends Error {}

/** A local file's bytes; a missing or unreadable file is the operator's mistake, not a crash. */
async function readSource(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new UnreadableFile(`cannot read ${file}: ${reason ?? (error as Error).message}`);
  }
}

function printReport(source: string, report: ImportReport): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`${source}  (${report.format}, ${report.outcome})`);
  const rows = Object.entries(report.counts);
  const width = Math.max(...rows.map(([k]) => k.length));
  out(`┌${'─'.repeat(width + 2)}┬──────────┐`);
  for (const [name, value] of rows) out(`│ ${name.padEnd(width)} │ ${String(value).padStart(8)} │`);
  out(`└${'─'.repeat(width + 2)}┴──────────┘`);
  const shown = report.issues.slice(0, 20);
  for (const issue of shown) {
    out(
      `  line ${issue.line}${issue.column ? ` [${issue.column}]` : ''} ${issue.severity}: ${issue.reason}`,
    );
  }
  if (report.issues.length > shown.length)
    out(`  … and ${report.issues.length - shown.length} more issues`);
  for (const team of report.newTeams) {
    const likely = team.suggestions
      .map((s) => `${s.name} (#${s.teamId}, ${s.score.toFixed(2)})`)
      .join(', ');
    out(`  new team #${team.teamId} "${team.name}"${likely ? `; maybe: ${likely}` : ''}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${describeStartupFailure(error)}\n`);
    process.exit(1);
  },
);
