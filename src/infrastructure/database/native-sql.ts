import type { EntityManager, PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';

/**
 * Runs `work` in one PostgreSQL transaction on a connection of the ORM's own pool, with real
 * server-side parameters ($1 arrays) for bulk statements, which the ORM's raw execute inlines.
 */
export async function inNativeTransaction<T>(
  em: EntityManager,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const pool = await (em.getConnection() as PostgreSqlConnection).getNativeClient();
  const client = await pool.connect();
  try {
    await client.query('begin');
    // Bulk statements are short: JIT compilation costs more than it saves, and a lost commit
    // on a crash is re-done by re-importing (imports are idempotent).
    await client.query('set local jit = off; set local synchronous_commit = off');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * One statement with server-side parameters on the ORM's pool (no unit of work, no hydration).
 * `prepareAs` names it a prepared statement, which each pooled connection plans once: for hot
 * read queries whose planning costs more than their execution. The name must be unique to
 * this SQL text.
 */
export async function nativeQuery<T extends object>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
  options: { prepareAs?: string } = {},
): Promise<T[]> {
  const pool = await (em.getConnection() as PostgreSqlConnection).getNativeClient();
  const query = options.prepareAs
    ? { name: options.prepareAs, text: sql, values: params }
    : { text: sql, values: params };
  return (await pool.query(query)).rows as T[];
}
