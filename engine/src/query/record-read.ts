import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { accessSql, predicateShape, type AccessPredicate } from './access-predicate.js';
import { fieldsKey, recordJson } from './record-json.js';
import { SESSION_COLUMN, sessionCte, type SessionCheck } from './session-check.js';

/**
 * One record by id, as one statement: the record as JSON built by Postgres (as list pages render
 * it) with the fields the caller may read, and its version (the ETag). An update also asks for
 * the row's columns and for the caller's edit and full access to it. With a presumed session the
 * statement checks it first and answers `session`; it then always answers one row.
 */

export interface RecordRead {
  id: string;
  /** The records the caller may see: any other id reads as missing. */
  read: AccessPredicate;
  /** Own fields to render; undefined: all. */
  fields?: ReadonlySet<string>;
  /** Answer `_can_edit` and `_can_full`, and the row's columns, for a write that follows. */
  forWrite?: { edit: AccessPredicate; full: AccessPredicate };
  /** Read the record from the recycle bin instead. */
  bin?: boolean;
  /** Take the row lock a write in the same transaction needs (never with a session check). */
  lock?: boolean;
  session?: SessionCheck;
}

/** The answer: no row (or `_version` null) when the caller cannot see the record. */
export interface RecordReadRow {
  session?: boolean;
  _version: number | null;
  _json: string | null;
  _can_edit?: boolean;
  _can_full?: boolean;
  [column: string]: unknown;
}

const ALIAS = 'r';

export function recordReadStatement(schema: string, object: CompiledObject, read: RecordRead): SqlFragment {
  const target = { schema, alias: ALIAS, object };
  const json = read.forWrite ? undefined : recordJson(object, ALIAS, read.fields);
  // A write that follows renders the record after it, so reading for one renders nothing.
  const select: SqlFragment[] = [
    { sql: 'r.version as _version', bindings: [] },
    read.forWrite ? { sql: 'null as _json', bindings: [] } : { sql: `${json!.sql} as _json`, bindings: json!.bindings },
  ];
  if (read.session) select.unshift({ sql: SESSION_COLUMN, bindings: [] });
  if (read.forWrite) {
    select.push({ sql: 'r.*', bindings: [] });
    for (const mode of ['edit', 'full'] as const) {
      const condition = accessSql(read.forWrite[mode], target);
      select.push({
        sql: `${condition ? condition.sql : 'true'} as _can_${mode}`,
        bindings: condition?.bindings ?? [],
      });
    }
  }
  const visible = accessSql(read.read, target);
  const match: SqlFragment = {
    sql: `r.id = ? and r.deleted_at is ${read.bin ? 'not ' : ''}null${visible ? ` and ${visible.sql}` : ''}`,
    bindings: [read.id, ...(visible?.bindings ?? [])],
  };
  const columns = select.map((s) => s.sql).join(', ');
  const values = select.flatMap((s) => s.bindings);
  if (!read.session) {
    return {
      sql: `select ${columns} from ?? as r where ${match.sql}${read.lock ? ' for update of r' : ''}`,
      bindings: [...values, `${schema}.${object.table}`, ...match.bindings],
    };
  }
  const check = sessionCte(read.session);
  return {
    sql: `with _s as (${check.sql}) select ${columns} from _s left join ?? as r on _s.ok and ${match.sql}`,
    bindings: [...check.bindings, ...values, `${schema}.${object.table}`, ...match.bindings],
  };
}

/** What a read statement's text depends on besides its object: the key of its prepared shape. */
export const recordReadKey = (read: RecordRead): string =>
  [
    'read',
    fieldsKey(read.fields),
    read.session ? 'checked' : '',
    predicateShape(read.read),
    read.forWrite ? `${predicateShape(read.forWrite.edit)}/${predicateShape(read.forWrite.full)}` : '',
    read.bin ? 'bin' : '',
    read.lock ? 'lock' : '',
  ].join('\u0000');
