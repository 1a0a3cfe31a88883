import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager, MikroORM, PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { AppConfig } from '../../config/app-config';
import { ReadinessRegistry } from '../health/readiness.registry';
import { METRICS } from '../metrics/metric-catalogue';
import { MetricsService } from '../metrics/metrics.service';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { ormOptions } from './orm-options';
import { databaseLocation, DatabaseUnavailable } from '../lifecycle/startup-failure';

const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

/** The migrations applied when the database was opened (outside production), by name. */
export class MigrationsAppliedAtStart {
  readonly names: string[] = [];
}

/**
 * Opens the database: DATABASE_URL when set, else an embedded PostgreSQL (development and test
 * only; production refuses to start without DATABASE_URL). Outside production, pending
 * migrations are applied at start; production runs them as a separate step (`migration:up`).
 */
async function openDatabase(
  config: AppConfig,
  embedded: { handle?: EmbeddedPostgresHandle },
  appliedAtStart: MigrationsAppliedAtStart,
) {
  const logger = new Logger('Database');
  let url = config.databaseUrl;
  if (!url) {
    const { dir, port } = config.embeddedPostgres;
    logger.log(`DATABASE_URL not set: starting embedded PostgreSQL in ${dir} on port ${port}`);
    try {
      embedded.handle = await startEmbeddedPostgres(dir, port, (m) => logger.warn(m));
    } catch (error) {
      throw new DatabaseUnavailable(
        `embedded PostgreSQL did not start (EMBEDDED_PG_DIR=${dir}, EMBEDDED_PG_PORT=${port}): ` +
          `${error instanceof Error ? error.message : String(error)}; ` +
          'set DATABASE_URL to use your own server',
      );
    }
    url = embedded.handle.url;
  }
  const orm = await connect(
    url,
    config.databaseUrl ? 'DATABASE_URL' : 'embedded PostgreSQL',
    // MikroORM creates a database that does not exist: in production a misspelt database name
    // would start an empty, unmigrated service (it never migrates at start) instead of refusing.
    config.isProduction,
  );
  if (!config.isProduction) {
    const applied = await orm.migrator.up();
    appliedAtStart.names.push(...applied.map((migration) => migration.name));
    if (applied.length > 0) logger.log(`applied ${applied.length} migration(s)`);
  }
  return orm;
}

/** The ORM, connected; an unreachable database stops the start with one line saying where and why. */
async function connect(url: string, source: string, existingOnly: boolean): Promise<MikroORM> {
  try {
    const orm = await MikroORM.init(ormOptions(url, existingOnly ? { ensureDatabase: false } : {}));
    await orm.connect();
    // Without ensureDatabase nothing has talked to the server yet: a missing database would
    // surface at the first query, as a stack trace.
    const check = await orm.checkConnection();
    if (!check.ok) throw check.error ?? new Error(check.reason);
    return orm;
  } catch (error) {
    throw new DatabaseUnavailable(
      `cannot open the database at ${databaseLocation(url)} (${source}): ${(error as Error).message}`,
    );
  }
}

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly orm: MikroORM,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: { handle?: EmbeddedPostgresHandle },
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.orm.close();
    await this.embedded.handle?.stop();
  }
}

/** The database's readiness check and its connection pool's metrics. */
@Injectable()
class DatabaseProbes {
  constructor(orm: MikroORM, readiness: ReadinessRegistry, metrics: MetricsService) {
    readiness.register('database', async () => {
      await orm.em.getConnection().execute('select 1');
    });
    // pg's Pool, the one the ORM (and native-sql.ts) use; counts are read at scrape time.
    const pool = () =>
      (orm.em.getConnection() as PostgreSqlConnection).getNativeClient() as Promise<Pool>;
    metrics.gauge(METRICS.dbPoolConnections, async (gauge) => {
      const { totalCount, idleCount } = await pool();
      gauge.set({ state: 'active' }, totalCount - idleCount);
      gauge.set({ state: 'idle' }, idleCount);
    });
    metrics.gauge(METRICS.dbPoolMaxConnections, async (gauge) => {
      gauge.set((await pool()).options.max ?? 10);
    });
    metrics.gauge(METRICS.dbPoolWaitingRequests, async (gauge) => {
      gauge.set((await pool()).waitingCount);
    });
  }
}

@Global()
@Module({
  providers: [
    { provide: EMBEDDED_POSTGRES, useValue: {} },
    MigrationsAppliedAtStart,
    {
      provide: MikroORM,
      inject: [AppConfig, EMBEDDED_POSTGRES, MigrationsAppliedAtStart],
      useFactory: openDatabase,
    },
    { provide: EntityManager, inject: [MikroORM], useFactory: (orm: MikroORM) => orm.em },
    DatabaseLifecycle,
    DatabaseProbes,
  ],
  exports: [MikroORM, EntityManager, MigrationsAppliedAtStart],
})
export class DatabaseModule {}
