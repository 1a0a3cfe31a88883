import type { MigrationObject } from '@mikro-orm/core';

/**
 * The migrations compiled into the container image's bundle: scripts/bundle.mjs replaces this
 * module with the list of every migration in migrations/, since the bundle has no migration
 * files to read. Everywhere else it is undefined and the migrator reads migrations/.
 */
export const BUNDLED_MIGRATIONS: MigrationObject[] | undefined = undefined;
