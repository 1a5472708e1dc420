import type { Knex } from 'knex';
import { nativeShape, valuesOf, type NativeShape } from '../db/prepared.js';
import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { Caller } from './caller.js';
import { insertWithHistory } from './history.js';
import { recordJsonSql } from './record-shape.js';

// Compiled objects are frozen per release, so what is derived from one (its JSON rendering per
// set of readable fields, its statements' text per shape of create) is remembered with it.
const MAX_PER_OBJECT = 200;
const rendered = new WeakMap<CompiledObject, Map<string, SqlFragment>>();
const shapes = new WeakMap<CompiledObject, Map<string, NativeShape | null>>();

function remembered<T>(
  cache: WeakMap<CompiledObject, Map<string, T>>,
  object: CompiledObject,
  key: string,
  make: () => T,
): T {
  let byKey = cache.get(object);
  if (!byKey) cache.set(object, (byKey = new Map()));
  let value = byKey.get(key);
  if (value === undefined) {
    value = make();
    if (byKey.size < MAX_PER_OBJECT) byKey.set(key, value);
  }
  return value;
}

const fieldsKey = (only: ReadonlySet<string> | undefined) => (only ? [...only].join(',') : '*');

/**
 * The statement of a single create: the INSERT, its `created` history entry, and the answer —
 * the record as JSON built by Postgres (recordJsonSql, as list pages render it) with the fields
 * in `only`, and its version; `withRow` adds the inserted columns (rollups are refreshed from
 * them). Columns are written in name order, so a shape of request is one text, converted once
 * (nativeInsert) and prepared once (runNative). Identifiers come from metadata (`??`), values are
 * bound (`?`).
 */
export function insertStatement(
  schema: string,
  object: CompiledObject,
  columns: Record<string, unknown>,
  owner: SqlFragment,
  only: ReadonlySet<string> | undefined,
  withRow: boolean,
  caller: Caller,
): SqlFragment {
  return assemble(schema, object, Object.keys(columns).sort(), columns, owner, only, withRow, caller);
}

/** insertStatement in Postgres' form, for running outside a transaction: converted once per shape. */
export function nativeInsert(
  knex: Knex,
  schema: string,
  object: CompiledObject,
  columns: Record<string, unknown>,
  owner: SqlFragment,
  only: ReadonlySet<string> | undefined,
  caller: Caller,
): Knex.SqlNative {
  const names = Object.keys(columns).sort();
  const statement = assemble(schema, object, names, columns, owner, only, false, caller);
  const shape = remembered(
    shapes,
    object,
    `${names.join(',')}\u0000${owner.sql}\u0000${fieldsKey(only)}`,
    () => nativeShape(knex, statement.sql, statement.bindings) ?? null,
  );
  return shape
    ? valuesOf(shape, statement.bindings)
    : knex
        .raw(statement.sql, statement.bindings as Knex.RawBinding[])
        .toSQL()
        .toNative();
}

function assemble(
  schema: string,
  object: CompiledObject,
  names: string[],
  columns: Record<string, unknown>,
  owner: SqlFragment,
  only: ReadonlySet<string> | undefined,
  withRow: boolean,
  caller: Caller,
): SqlFragment {
  const insert: SqlFragment = {
    sql: `insert into ?? (${names.map(() => '??').join(', ')}, owner_id) values (${names.map(() => '?').join(', ')}, ${owner.sql}) returning *`,
    bindings: [`${schema}.${object.table}`, ...names, ...names.map((n) => columns[n]), ...owner.bindings],
  };
  const json = remembered(rendered, object, fieldsKey(only), () => recordJsonSql(object, 'ins', only));
  const select: SqlFragment = {
    sql: `${json.sql} as _json, ins.version as _version${withRow ? ', ins.*' : ''}`,
    bindings: json.bindings,
  };
  return insertWithHistory(schema, object, insert, select, caller);
}
