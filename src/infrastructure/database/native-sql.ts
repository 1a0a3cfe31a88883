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

/** One statement with server-side parameters on the ORM's pool (no unit of work, no hydration). */
export async function nativeQuery<T extends object>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const pool = await (em.getConnection() as PostgreSqlConnection).getNativeClient();
  return (await pool.query(sql, params)).rows as T[];
}

/**
 * Like nativeQuery, as a named prepared statement: each pooled connection plans it once and
 * reuses the plan. For hot read queries whose planning costs more than their execution (the
 * fixture query with its correlated subqueries plans in milliseconds and runs in well under one).
 * `name` must be unique to this SQL text.
 */
export async function preparedQuery<T extends object>(
  em: EntityManager,
  name: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const pool = await (em.getConnection() as PostgreSqlConnection).getNativeClient();
  return (await pool.query({ name, text: sql, values: params })).rows as T[];
}
