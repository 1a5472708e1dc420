import type { Knex } from 'knex';
import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { Access } from '../security/access.js';
import type { Caller } from '../security/caller.js';

/**
 * Field history: every record change leaves entries in _field_history in the transaction of the
 * change itself — created, one `updated` entry per changed field (old → new), deleted, restored,
 * purged — with who made it and through which path (api, ui, bulk, import). Only ever appended.
 */

export type HistoryEvent = 'created' | 'updated' | 'deleted' | 'restored' | 'purged';
type Row = Record<string, unknown>;

const historyTable = (schema: string) => `${schema}._field_history`;

/** One entry per record for events without field detail (created, deleted, restored, purged). */
export async function recordEvents(
  db: Knex | Knex.Transaction,
  schema: string,
  object: CompiledObject,
  ids: readonly string[],
  event: HistoryEvent,
  caller: Caller,
): Promise<void> {
  if (!ids.length) return;
  await db.raw(`insert into ?? (object_id, record_id, event, user_id, via) select ?, unnest(?::uuid[]), ?, ?, ?`, [
    historyTable(schema),
    object.def.id,
    pgArray(ids),
    event,
    caller.userId,
    caller.via,
  ]);
}

/**
 * One new record's INSERT (`insert into … returning …`) with its `created` entry, as one
 * statement answering `select` over the inserted row `ins`. With a session check (the CTE `_s`,
 * query/session-check.ts) the answer is one row even when nothing was inserted. Flat `?`/`??`
 * SQL (fragments are SQL text, never input), so its text can be converted once per shape
 * (insert-statement.ts).
 */
export function insertWithHistory(
  schema: string,
  object: CompiledObject,
  insert: SqlFragment,
  select: SqlFragment,
  caller: Caller,
  session?: SqlFragment,
): SqlFragment {
  const checked = session ? `_s as (${session.sql}), ` : '';
  return {
    sql: `with ${checked}ins as (${insert.sql}), h as (insert into ?? (object_id, record_id, event, user_id, via) select ?, id, 'created', ?, ? from ins) select ${select.sql} from ${session ? '_s left join ins on true' : 'ins'}`,
    bindings: [
      ...(session?.bindings ?? []),
      ...insert.bindings,
      historyTable(schema),
      object.def.id,
      caller.userId,
      caller.via,
      ...select.bindings,
    ],
  };
}

/** `updated` entries for the fields whose value differs between two API records. */
export async function recordChanges(
  db: Knex.Transaction,
  schema: string,
  object: CompiledObject,
  before: Row,
  after: Row,
  caller: Caller,
): Promise<void> {
  await recordManyChanges(db, schema, object, [[before, after]], caller);
}

/** The same for many records at once, in multi-row INSERTs: a bulk update writes thousands. */
export async function recordManyChanges(
  db: Knex.Transaction,
  schema: string,
  object: CompiledObject,
  pairs: [before: Row, after: Row][],
  caller: Caller,
): Promise<void> {
  const rows = pairs.flatMap(([before, after]) => changeEntries(object, before, after, caller));
  // 8 values a row: 1,000 rows stay far below Postgres' 65,535 parameters a statement.
  for (let i = 0; i < rows.length; i += 1000) await db(historyTable(schema)).insert(rows.slice(i, i + 1000));
}

/** One field whose value differs between two API records: its key and both values as JSON text. */
export interface FieldChange {
  field: string;
  old: string;
  new: string;
}

/** The changes `updated` entries record: editable fields and companions, and the owner. */
export function fieldChanges(object: CompiledObject, before: Row, after: Row): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [name, field] of object.fields) {
    // Computed fields change because others did; their history says nothing new.
    if (field.type.readOnly) continue;
    const keys = [name, ...Object.keys(field.type.companions ?? {}).map((k) => `${name}__${k}`)];
    for (const key of keys) {
      const was = JSON.stringify(before[key] ?? null);
      const now = JSON.stringify(after[key] ?? null);
      // An encrypted field's history says it changed, never what it held.
      if (was !== now)
        changes.push(
          field.type.encryption ? { field: key, old: 'null', new: 'null' } : { field: key, old: was, new: now },
        );
    }
  }
  if (before.owner_id !== after.owner_id)
    changes.push({ field: 'owner_id', old: JSON.stringify(before.owner_id), new: JSON.stringify(after.owner_id) });
  return changes;
}

function changeEntries(object: CompiledObject, before: Row, after: Row, caller: Caller): Row[] {
  return fieldChanges(object, before, after).map((c) => ({
    object_id: object.def.id,
    record_id: after.id,
    event: 'updated',
    field: c.field,
    old_value: c.old,
    new_value: c.new,
    user_id: caller.userId,
    via: caller.via,
  }));
}

export interface HistoryEntry {
  at: string;
  event: HistoryEvent;
  field: string | null;
  oldValue: unknown;
  newValue: unknown;
  userId: string | null;
  userName: string | null;
  via: string;
}

/** A record's history, newest first, without the fields the reader may not read. */
export async function readHistory(
  knex: Knex,
  schema: string,
  object: CompiledObject,
  id: string,
  access: Access,
  limit = 200,
): Promise<HistoryEntry[]> {
  const rows = await knex(`${historyTable(schema)} as h`)
    .leftJoin(`${schema}._users as u`, 'u.id', 'h.user_id')
    .where({ 'h.record_id': id, 'h.object_id': object.def.id })
    .orderBy('h.seq', 'desc')
    .limit(limit)
    .select('h.at', 'h.event', 'h.field', 'h.old_value', 'h.new_value', 'h.user_id', 'u.name as user_name', 'h.via');
  return rows
    .filter(
      (r: Row) =>
        r.field === null ||
        r.field === 'owner_id' ||
        access.canReadField(object.def.apiName, (r.field as string).split('__')[0]!),
    )
    .map((r: Row) => ({
      at: new Date(r.at as string).toISOString(),
      event: r.event as HistoryEvent,
      field: (r.field as string | null) ?? null,
      oldValue: r.old_value ?? null,
      newValue: r.new_value ?? null,
      userId: (r.user_id as string | null) ?? null,
      userName: (r.user_name as string | null) ?? null,
      via: r.via as string,
    }));
}

/** A Postgres array literal of uuids, bound as one value (knex would spread a JS array). */
const pgArray = (ids: readonly string[]) => `{${ids.join(',')}}`;
