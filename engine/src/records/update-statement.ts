import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { recordJson } from '../query/record-json.js';
import type { Caller } from '../security/caller.js';
import type { FieldChange } from './history.js';

/**
 * The write of a single update by id, as one statement that is atomic on its own: the UPDATE,
 * only while the record is still at the version the caller's checks read (`expected`), its
 * `updated` history entries, and the answer — the new version and the record as JSON built by
 * Postgres with the fields in `only`. No row back means the record changed (or went to the
 * recycle bin) since it was read. Columns are written in name order, so a shape of update is one
 * text; the history entries travel as three bound arrays, whatever their number.
 */
export function updateStatement(
  schema: string,
  object: CompiledObject,
  target: { id: string; expected: number },
  columns: Record<string, unknown>,
  changes: readonly FieldChange[],
  only: ReadonlySet<string> | undefined,
  caller: Caller,
): SqlFragment {
  const names = Object.keys(columns).sort();
  const json = recordJson(object, '_u', only);
  return {
    sql:
      `with _u as (update ?? as r set ${names.map(() => '?? = ?').join(', ')}${names.length ? ', ' : ''}` +
      `version = r.version + 1, updated_at = now(), updated_by = ? ` +
      `where r.id = ? and r.version = ? and r.deleted_at is null returning r.*), ` +
      `_h as (insert into ?? (object_id, record_id, event, field, old_value, new_value, user_id, via) ` +
      `select ?, _u.id, 'updated', c.f, c.o::jsonb, c.n::jsonb, ?, ? from _u, unnest(?::text[], ?::text[], ?::text[]) as c(f, o, n)) ` +
      `select _u.version as _version, ${json.sql} as _json from _u`,
    bindings: [
      `${schema}.${object.table}`,
      ...names.flatMap((n) => [n, columns[n]]),
      caller.userId,
      target.id,
      target.expected,
      `${schema}._field_history`,
      object.def.id,
      caller.userId,
      caller.via,
      changes.map((c) => c.field),
      changes.map((c) => c.old),
      changes.map((c) => c.new),
      ...json.bindings,
    ],
  };
}
