import type { RecordTrigger, WorkflowDef } from '../metadata/types.js';
import { evaluate, truthy } from './json-logic.js';

/**
 * Whether a change starts a run of a workflow: its trigger (the kind of change, the fields it
 * waits for, the values it waits for) and then its condition, over the record after the change
 * with `$old` before it. Pure: the dispatcher asks it of captured changes after they commit, the
 * record checks of workflows that apply their values before the save (records/before-save.ts).
 */

/** A change to one record, as triggers and conditions see it. */
export interface RecordChange {
  event: 'created' | 'updated' | 'deleted' | 'restored';
  record: Record<string, unknown>;
  /** The record before the change (updates, deletes). */
  old?: Record<string, unknown>;
  /** Fields (and owner_id) whose value differs between old and record; empty for creates. */
  changed: string[];
}

const ON: Record<RecordTrigger['on'], readonly RecordChange['event'][]> = {
  create: ['created'],
  update: ['updated'],
  createOrUpdate: ['created', 'updated'],
  delete: ['deleted'],
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function triggers(workflow: WorkflowDef, event: RecordChange): boolean {
  const { trigger } = workflow;
  if (!('on' in trigger) || !ON[trigger.on].includes(event.event)) return false;
  // An update that changed nothing (a save with the same values) is no change to react to.
  if (event.event === 'updated' && event.changed.length === 0) return false;
  if (event.event === 'updated' && trigger.fields && !trigger.fields.some((f) => event.changed.includes(f)))
    return false;
  for (const [name, value] of Object.entries(trigger.changedTo ?? {})) {
    if (!same(event.record[name], value)) return false;
    if (event.event === 'updated' && !event.changed.includes(name)) return false;
  }
  return true;
}

/** The data expressions see: the record's fields, and `$old` with the fields before the change. */
export const expressionData = (event: Pick<RecordChange, 'record' | 'old'>): Record<string, unknown> => ({
  ...event.record,
  $old: event.old ?? {},
});

export function conditionHolds(workflow: WorkflowDef, event: Pick<RecordChange, 'record' | 'old'>): boolean {
  return workflow.condition === undefined || truthy(evaluate(workflow.condition, expressionData(event)));
}
