import type { Knex } from 'knex';
import { nativeFor } from '../db/prepared.js';
import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import { SESSION_HOLDS, SESSION_COLUMN, sessionCte } from '../query/session-check.js';
import { insertWithHistory } from './history.js';
import { fieldsKey, recordJson } from '../query/record-json.js';

/**
 * The statement of a single create: the INSERT, its `created` history entry, and the answer —
 * the record as JSON built by Postgres (recordJsonSql, as list pages render it) with the fields
 * in `only`, and its version; `withRow` adds the inserted columns (rollups are refreshed from
 * them). With a presumed session (caller.session) the statement checks it first and inserts only
 * while it holds, answering `session` true or false: one row either way. Columns are written in
 * name order, so a shape of request is one text, converted once (nativeInsert) and prepared once
 * (runNative). Identifiers come from metadata (`??`), values are bound (`?`).
 */
export function insertStatement(
  schema: string,
  object: CompiledObject,
  columns: Record<string, unknown>,
  ownerId: string,
  only: ReadonlySet<string> | undefined,
  withRow: boolean,
  caller: Caller,
): SqlFragment {
  return assemble(schema, object, Object.keys(columns).sort(), columns, ownerId, only, withRow, caller);
}

/** insertStatement in Postgres' form, for running outside a transaction: converted once per shape. */
export function nativeInsert(
  knex: Knex,
  schema: string,
  object: CompiledObject,
  columns: Record<string, unknown>,
  ownerId: string,
  only: ReadonlySet<string> | undefined,
  caller: Caller,
): Knex.SqlNative {
  const names = Object.keys(columns).sort();
  const statement = assemble(schema, object, names, columns, ownerId, only, false, caller);
  const key = `insert\u0000${names.join(',')}\u0000${caller.session ? 'checked' : ''}\u0000${fieldsKey(only)}`;
  return nativeFor(knex, object, key, statement);
}

// The system columns a create writes; field columns take their type from the compiled object.
const SYSTEM_TYPES: Record<string, string> = { id: 'uuid', created_by: 'uuid', updated_by: 'uuid' };

function assemble(
  schema: string,
  object: CompiledObject,
  names: string[],
  columns: Record<string, unknown>,
  ownerId: string,
  only: ReadonlySet<string> | undefined,
  withRow: boolean,
  caller: Caller,
): SqlFragment {
  const { session } = caller;
  const table = `${schema}.${object.table}`;
  const into = `insert into ?? (${names.map(() => '??').join(', ')}, owner_id)`;
  // Guarded by the session check, the row comes from a SELECT with a WHERE, whose values are
  // cast to their columns' types (a VALUES list takes them from the columns itself).
  const cast = (name: string) => `?::${SYSTEM_TYPES[name] ?? object.columnTypes.get(name)}`;
  const insert: SqlFragment = {
    sql: session
      ? `${into} select ${names.map(cast).join(', ')}, ?::uuid where ${SESSION_HOLDS} returning *`
      : `${into} values (${names.map(() => '?').join(', ')}, ?) returning *`,
    bindings: [table, ...names, ...names.map((n) => columns[n]), ownerId],
  };
  const json = recordJson(object, 'ins', only);
  const select: SqlFragment = {
    sql: `${session ? `${SESSION_COLUMN}, ` : ''}${json.sql} as _json, ins.version as _version${withRow ? ', ins.*' : ''}`,
    bindings: json.bindings,
  };
  return insertWithHistory(schema, object, insert, select, caller, session && sessionCte(session));
}
