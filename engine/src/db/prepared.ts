import type { Knex } from 'knex';
import type pg from 'pg';
import { shortHash } from '../lib/ids.js';
import { remembered } from '../lib/remembered.js';

/**
 * Hot statements as named prepared statements: Postgres parses and plans a statement the first
 * time a connection sees it, then only binds and executes it (knex sends every statement
 * unnamed, so it is parsed and planned on every request). Only statements that come back often
 * get a name — the session check, and list pages of the same shape — and at most MAX_NAMED
 * texts per process, so an endless variety of filters cannot fill the server's memory with
 * prepared statements.
 */

const MAX_NAMED = 500;
const NAME_AFTER = 3;
const seen = new Map<string, { count: number; name?: string; generation?: number }>();
// A publish that changes a column's type changes what a prepared statement returns, which
// Postgres refuses (0A000 "cached plan must not change result type"); a new generation of names
// prepares every statement afresh.
let generation = 0;

function nameFor(text: string): string | undefined {
  let entry = seen.get(text);
  if (!entry) {
    if (seen.size >= MAX_NAMED) return undefined;
    seen.set(text, (entry = { count: 0 }));
  }
  if (++entry.count <= NAME_AFTER) return undefined;
  // Hashing a long text on every request costs more than remembering its name.
  if (entry.generation !== generation)
    Object.assign(entry, { name: `tsr_${generation}_${shortHash(text, 20)}`, generation });
  return entry.name;
}

/**
 * Runs a knex query (or `?`-SQL with bindings) as a prepared statement once it is common. Outside transactions only.
 */
export async function runQuery<T = Record<string, unknown>>(
  knex: Knex,
  sql: Knex.QueryBuilder | Knex.Raw | string,
  bindings: readonly unknown[] = [],
): Promise<T[]> {
  return runNative<T>(
    knex,
    (typeof sql === 'string' ? knex.raw(sql, bindings as Knex.RawBinding[]) : sql).toSQL().toNative(),
  );
}

/** What runNative uses of knex's client, which knex types as `any`. */
interface ConnectionPool {
  acquireConnection(): Promise<pg.Client>;
  releaseConnection(client: pg.Client): Promise<void>;
}

/** The same for SQL already in Postgres' own form ($1, $2 …), as toSQL().toNative() gives it. */
export async function runNative<T = Record<string, unknown>>(knex: Knex, native: Knex.SqlNative): Promise<T[]> {
  const name = nameFor(native.sql);
  // As knex's own queries do, so statement counters (the bench) see these too.
  if (knex.listenerCount('query'))
    knex.emit('query', { sql: native.sql, bindings: native.bindings, ...(name ? { prepared: name } : {}) });
  const pool = knex.client as ConnectionPool;
  const client = await pool.acquireConnection();
  try {
    try {
      const result = await client.query<T & pg.QueryResultRow>({
        text: native.sql,
        values: native.bindings as unknown[],
        ...(name ? { name } : {}),
      });
      return result.rows;
    } catch (e) {
      if (!name || (e as { code?: string }).code !== '0A000') throw e;
      generation++;
      return (await client.query<T & pg.QueryResultRow>({ text: native.sql, values: native.bindings as unknown[] }))
        .rows;
    }
  } finally {
    await pool.releaseConnection(client);
  }
}

/** A `?`/`??` text in Postgres' form, and which of its bindings are the values, in order. */
export interface NativeShape {
  sql: string;
  valueAt: number[];
}

/**
 * The shape of a `?`/`??` text: knex converts it once, and `valuesOf` picks the values (`?`)
 * out of any later bindings of the same text and identifiers. Undefined when knex converts
 * it some other way (an array value expands to a list, say): such a text is not reusable.
 */
export function nativeShape(knex: Knex, sql: string, bindings: readonly unknown[]): NativeShape | undefined {
  const valueAt: number[] = [];
  let i = 0;
  for (const mark of sql.match(/\\\?|\?\??/g) ?? []) {
    if (mark === '\\?') continue; // a literal question mark
    if (mark === '?') valueAt.push(i);
    i++;
  }
  const native = knex
    .raw(sql, bindings as Knex.RawBinding[])
    .toSQL()
    .toNative();
  const same =
    i === bindings.length &&
    valueAt.length === native.bindings.length &&
    valueAt.every((at, n) => native.bindings[n] === bindings[at]);
  return same ? { sql: native.sql, valueAt } : undefined;
}

export const valuesOf = (shape: NativeShape, bindings: readonly unknown[]): Knex.SqlNative => ({
  sql: shape.sql,
  bindings: shape.valueAt.map((at) => bindings[at]) as Knex.SqlNative['bindings'],
});

// Statement shapes remembered with what they were built from (a release's frozen compiled object).
const shapes = new WeakMap<object, Map<string, NativeShape | null>>();

/**
 * A `?`/`??` statement in Postgres' form, its shape converted once per `owner` and `key` (which
 * must name everything the text depends on) and only the values picked out on later calls.
 */
export function nativeFor(
  knex: Knex,
  owner: object,
  key: string,
  statement: { sql: string; bindings: readonly unknown[] },
): Knex.SqlNative {
  const shape = remembered(shapes, owner, key, () => nativeShape(knex, statement.sql, statement.bindings) ?? null);
  return shape
    ? valuesOf(shape, statement.bindings)
    : knex
        .raw(statement.sql, statement.bindings as Knex.RawBinding[])
        .toSQL()
        .toNative();
}
