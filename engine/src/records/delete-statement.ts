import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { accessSql, type AccessPredicate } from '../query/access-predicate.js';
import { SESSION_HOLDS, SESSION_COLUMN, sessionCte } from '../query/session-check.js';
import type { Caller } from '../security/caller.js';

/**
 * A delete by id to the recycle bin as one statement, for objects no other object points at and
 * no rollup summarises (nothing else to restrict, clear, cascade to or recompute): the record the
 * caller can see (`read`), moved to the bin only with full access to it (`full`), with its
 * `deleted` history entry. One row answers: `found` (the caller can see it), `allowed` (full
 * access) and `deleted`, and with a presumed session, `session`.
 */
export function deleteStatement(
  schema: string,
  object: CompiledObject,
  id: string,
  access: { read: AccessPredicate; full: AccessPredicate },
  caller: Caller,
): SqlFragment {
  const target = { schema, alias: 'r', object };
  const read = accessSql(access.read, target);
  const full = accessSql(access.full, target);
  const check = caller.session && sessionCte(caller.session);
  const table = `${schema}.${object.table}`;
  return {
    sql:
      `with ${check ? `_s as (${check.sql}), ` : ''}` +
      `_r as (select r.id, ${full ? full.sql : 'true'} as allowed from ?? as r ` +
      `where r.id = ? and r.deleted_at is null${read ? ` and ${read.sql}` : ''}${check ? ` and ${SESSION_HOLDS}` : ''}), ` +
      `_d as (update ?? as t set deleted_at = now(), version = t.version + 1, updated_by = ? ` +
      `from _r where t.id = _r.id and _r.allowed and t.deleted_at is null returning t.id), ` +
      `_h as (insert into ?? (object_id, record_id, event, user_id, via) select ?, id, 'deleted', ?, ? from _d) ` +
      `select ${check ? `${SESSION_COLUMN}, ` : ''}exists (select 1 from _r) as found, ` +
      `coalesce((select allowed from _r), false) as allowed, exists (select 1 from _d) as deleted`,
    bindings: [
      ...(check?.bindings ?? []),
      ...(full?.bindings ?? []),
      table,
      id,
      ...(read?.bindings ?? []),
      table,
      caller.userId,
      `${schema}._field_history`,
      object.def.id,
      caller.userId,
      caller.via,
    ],
  };
}
