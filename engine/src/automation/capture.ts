import type { Knex } from 'knex';
import type { CompiledMetadata } from '../metadata/compile.js';
import { isBeforeSave, isRecordTrigger, type WorkflowDef } from '../metadata/types.js';

/**
 * Change capture: an object that an active workflow listens to gets two statement-level
 * triggers (migration 010's tsr_capture_insert / tsr_capture_update) that write each change
 * into _automation_outbox in the transaction of the change. So every path that writes records —
 * the API, bulk, import, a cascade, a restore, another workflow — fires workflows, a write that
 * rolls back fires nothing, and objects nobody automates pay nothing. Kept in step with the
 * published workflows by a publish step, inside the publish's own transaction.
 */

const TRIGGERS = [
  { name: 'tsr_capture_ins', event: 'insert', tables: 'new table as tsr_new', fn: 'tsr_capture_insert' },
  {
    name: 'tsr_capture_upd',
    event: 'update',
    tables: 'old table as tsr_old new table as tsr_new',
    fn: 'tsr_capture_update',
  },
] as const;

/** Metadata ids are [A-Za-z0-9_.:-]; a trigger argument is a literal in DDL, where nothing can be bound. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/**
 * The active workflows whose runs this layer makes. Not those that run before the save: they
 * work inside the write itself (records/before-save.ts) and need no capture, outbox or queue.
 */
export const activeWorkflows = (compiled: CompiledMetadata): WorkflowDef[] =>
  (compiled.snapshot.workflows ?? []).filter(
    (w) => w.active !== false && compiled.objects.has(w.object) && !isBeforeSave(w),
  );

/** The tables that must capture changes: those of objects with an active workflow. */
export function capturedTables(compiled: CompiledMetadata): Map<string, string> {
  const tables = new Map<string, string>();
  for (const w of activeWorkflows(compiled)) {
    if (!isRecordTrigger(w.trigger)) continue;
    const object = compiled.objects.get(w.object)!;
    tables.set(object.table, object.def.id);
  }
  return tables;
}

/** Adds and drops capture triggers so exactly the tables `next` needs have them. A publish step. */
export async function syncCapture(trx: Knex.Transaction, schema: string, next: CompiledMetadata): Promise<void> {
  const wanted = capturedTables(next);
  const { rows } = await trx.raw<{ rows: { table: string; trigger: string }[] }>(
    `select c.relname as table, t.tgname as trigger from pg_trigger t
     join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ? and t.tgname in (?, ?)`,
    [schema, TRIGGERS[0].name, TRIGGERS[1].name],
  );
  const have = new Set(rows.map((r) => `${r.table}\u0000${r.trigger}`));
  for (const r of rows) {
    if (!wanted.has(r.table)) await trx.raw('drop trigger ?? on ??.??', [r.trigger, schema, r.table]);
  }
  // Changes captured for objects no active workflow listens to any more would fire nothing; and
  // left in the outbox, a workflow activated later would fire for them. They go with the triggers.
  await trx(`${schema}._automation_outbox`)
    .whereNotIn('object_id', [...wanted.values()])
    .delete();
  for (const [table, objectId] of wanted) {
    if (!SAFE_ID.test(objectId)) throw new Error(`object id ${objectId} cannot name a capture trigger`);
    for (const t of TRIGGERS) {
      if (have.has(`${table}\u0000${t.name}`)) continue;
      await trx.raw(
        `create trigger ?? after ${t.event} on ??.?? referencing ${t.tables} for each statement execute function ??.${t.fn}('${objectId}')`,
        [t.name, schema, table, schema],
      );
    }
  }
}
