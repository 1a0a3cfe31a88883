import { MikroORM } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ormOptions } from '../src/infrastructure/database/orm-options';
import { createTestDatabase, query } from './support/databases';

const SNAPSHOT = path.resolve(__dirname, '..', 'migrations', '.snapshot-oracxpred.json');

/** An empty database and an ORM on it, for the describe block that calls this. */
function freshDatabase() {
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
  return { database: () => database, orm: () => orm };
}

describe('migrations and the schema snapshot', () => {
  const { database, orm } = freshDatabase();

  it('every entity change has its migration: migration:create would write nothing', async () => {
    expect(await orm().migrator.checkSchema()).toBe(false);
  });

  it('migrating a database leaves the committed snapshot as it is', async () => {
    const before = readFileSync(SNAPSHOT, 'utf8');
    const applied = await orm().migrator.up();
    expect(applied.length).toBeGreaterThan(0);
    // The migrations ran: the schema is there (one table per entity family at least).
    const tables = await query<{ count: string }>(
      database().url,
      "select count(*) from information_schema.tables where table_schema = 'public'",
    );
    expect(Number(tables[0].count)).toBeGreaterThan(10);
    expect(readFileSync(SNAPSHOT, 'utf8')).toBe(before);
  });
});

describe('Migration20261205013000: merge chains from older merges', () => {
  const { database, orm } = freshDatabase();

  it('repoints every merged team at its final surviving team, and survives a cycle', async () => {
    await orm().migrator.up({ to: 'Migration20261204210830' });
    // As merges before chains were repointed left them: A into B, then B into C (and D into A,
    // a chain of three); E and F merged into each other, which the API cannot do.
    const teams = await query<{ id: number; name: string }>(
      database().url,
      `insert into teams (name, created_at)
       select name, now() from unnest(array['A', 'B', 'C', 'D', 'E', 'F', 'G']) name
       returning id, name`,
    );
    const id = Object.fromEntries(teams.map((t) => [t.name, t.id]));
    const point = (from: string, to: string) =>
      query(database().url, 'update teams set merged_into_id = $2 where id = $1', [
        id[from],
        id[to],
      ]);
    await point('A', 'B');
    await point('B', 'C');
    await point('D', 'A');
    await point('E', 'F');
    await point('F', 'E');
    await point('G', 'C');

    const applied = await orm().migrator.up();
    expect(applied.map((m) => m.name)).toContain('Migration20261205013000');

    const rows = await query<{ name: string; merged_into_id: number | null }>(
      database().url,
      'select name, merged_into_id from teams order by name',
    );
    const into = Object.fromEntries(rows.map((r) => [r.name, r.merged_into_id]));
    expect(into).toEqual({
      A: id.C,
      B: id.C,
      C: null,
      D: id.C,
      // The cycle is left as a cycle (each still merged into the other), not followed forever.
      E: id.F,
      F: id.E,
      G: id.C,
    });
  });
});
