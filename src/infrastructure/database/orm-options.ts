import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { Logger } from '@nestjs/common';
import path from 'node:path';
import { ALL_ENTITIES } from './entities';
import { BUNDLED_MIGRATIONS } from './bundled-migrations';

const ormLogger = new Logger('MikroORM');

/** migrations/ beside src/: the repo's when run from sources, dist/migrations when compiled. */
const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'migrations');

/** MikroORM options shared by the service, the CLI and the tests: one place to change them. */
export function ormOptions(clientUrl: string, overrides: Partial<Options> = {}): Options {
  const compiled = __filename.endsWith('.js');
  return defineConfig({
    clientUrl,
    entities: ALL_ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    pool: { min: 0, max: 10 },
    migrations: {
      path: MIGRATIONS_DIR,
      glob: compiled ? '!(*.d).js' : '!(*.d).{js,ts}',
      // The image's bundle carries its migrations in itself (no migrations/ to read there).
      ...(BUNDLED_MIGRATIONS && { migrationsList: BUNDLED_MIGRATIONS }),
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-oracxpred',
      // The snapshot is what `migration:create` compares the entities with, written by it alone:
      // rewritten from a migrated database's introspection (MikroORM's default), it took that
      // database's spelling (a NOT VALID check, enum types as unknown) and the next
      // migration:create wrote a migration for differences that are not there.
      snapshotOnMigrate: false,
    },
    debug: false,
    // Migrator and ORM messages go through the service's logger, not to stdout.
    logger: (message: string) => ormLogger.debug(message),
    ...overrides,
  });
}
