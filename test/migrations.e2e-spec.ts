import { MikroORM } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ormOptions } from '../src/infrastructure/database/orm-options';
import { createTestDatabase, query } from './support/databases';

const SNAPSHOT = path.resolve(__dirname, '..', 'migrations', '.snapshot-oracxpred.json');

describe('migrations and the schema snapshot', () => {
  let database: { url: string; drop: () => Promise<void> };
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await MikroORM.init(ormOptions(database.url));
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('every entity change has its migration: migration:create would write nothing', async () => {
    expect(await orm.migrator.checkSchema()).toBe(false);
  });

  it('migrating a database leaves the committed snapshot as it is', async () => {
    const before = readFileSync(SNAPSHOT, 'utf8');
    const applied = await orm.migrator.up();
    expect(applied.length).toBeGreaterThan(0);
    // The migrations ran: the schema is there (one table per entity family at least).
    const tables = await query<{ count: string }>(
      database.url,
      "select count(*) from information_schema.tables where table_schema = 'public'",
    );
    expect(Number(tables[0].count)).toBeGreaterThan(10);
    expect(readFileSync(SNAPSHOT, 'utf8')).toBe(before);
  });
});
