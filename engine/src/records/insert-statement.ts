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
 * (nativeOf) and prepared once (runNative). Identifiers come from metadata (`??`), values are
 * bound (`?`).
 */
export function insertStatement(schema: string, object: CompiledObject, columns: Record<string, unknown>, owner: SqlFragment, only: ReadonlySet<string> | undefined, withRow: boolean, caller: Caller): SqlFragment {
  const names = Object.keys(columns).sort();
  const insert: SqlFragment = {
    sql: `insert into ?? (${names.map(() => '??').join(', ')}, owner_id) values (${names.map(() => '?').join(', ')}, ${owner.sql}) returning *`,
    bindings: [`${schema}.${object.table}`, ...names, ...names.map((n) => columns[n]), ...owner.bindings],
  };
  const json = recordJsonSql(object, 'ins', only);
  const select: SqlFragment = { sql: `${json.sql} as _json, ins.version as _version${withRow ? ', ins.*' : ''}`, bindings: json.bindings };
  return insertWithHistory(schema, object, insert, select, caller);
}
