import type { Knex } from 'knex';
import { nativeShape, valuesOf, type NativeShape } from '../db/prepared.js';
import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { Caller } from './caller.js';
import { insertWithHistory } from './history.js';
import { recordJsonSql } from './record-shape.js';

/**
 * The statement of a single create: the INSERT, its `created` history entry, and the answer —
 * the record as JSON built by Postgres (recordJsonSql, as list pages render it) with the fields
 * in `only`, and its version; `withRow` adds the inserted columns (rollups are refreshed from
 * them). Columns are written in name order, so a shape of request is one text, converted once
 * (nativeInsert) and prepared once (runNative). Identifiers come from metadata (`??`), values are
 * bound (`?`).
 */
const MAX_SHAPES = 200;

// Compiled objects are frozen per release: their JSON rendering, per set of readable fields, is too.
const rendered = new WeakMap<CompiledObject, Map<string, SqlFragment>>();
function jsonOf(object: CompiledObject, only: ReadonlySet<string> | undefined): SqlFragment {
  let byFields = rendered.get(object);
  if (!byFields) rendered.set(object, (byFields = new Map()));
  const key = only ? [...only].join(',') : '*';
  let json = byFields.get(key);
  if (!json) byFields.set(key, (json = recordJsonSql(object, 'ins', only)));
  return json;
}

export function insertStatement(schema: string, object: CompiledObject, columns: Record<string, unknown>, owner: SqlFragment, only: ReadonlySet<string> | undefined, withRow: boolean, caller: Caller): SqlFragment {
  const names = Object.keys(columns).sort();
  const insert: SqlFragment = {
    sql: `insert into ?? (${names.map(() => '??').join(', ')}, owner_id) values (${names.map(() => '?').join(', ')}, ${owner.sql}) returning *`,
    bindings: [`${schema}.${object.table}`, ...names, ...names.map((n) => columns[n]), ...owner.bindings],
  };
  const json = jsonOf(object, only);
  const select: SqlFragment = { sql: `${json.sql} as _json, ins.version as _version${withRow ? ', ins.*' : ''}`, bindings: json.bindings };
  return insertWithHistory(schema, object, insert, select, caller);
}

// Per object (so per tenant schema and release): the statement's text in Postgres' form for each
// shape of create — the columns written, the owner expression, the fields answered.
const shapes = new WeakMap<CompiledObject, Map<string, NativeShape | null>>();

/** insertStatement in Postgres' form, for running outside a transaction: converted once per shape. */
export function nativeInsert(knex: Knex, schema: string, object: CompiledObject, columns: Record<string, unknown>, owner: SqlFragment, only: ReadonlySet<string> | undefined, caller: Caller): Knex.SqlNative {
  const statement = insertStatement(schema, object, columns, owner, only, false, caller);
  let byShape = shapes.get(object);
  if (!byShape) shapes.set(object, (byShape = new Map()));
  const key = `${Object.keys(columns).sort().join(',')}\u0000${owner.sql}\u0000${only ? [...only].join(',') : '*'}`;
  let shape = byShape.get(key);
  if (shape === undefined && byShape.size < MAX_SHAPES) byShape.set(key, (shape = nativeShape(knex, statement.sql, statement.bindings) ?? null));
  return shape ? valuesOf(shape, statement.bindings) : knex.raw(statement.sql, statement.bindings as Knex.RawBinding[]).toSQL().toNative();
}
