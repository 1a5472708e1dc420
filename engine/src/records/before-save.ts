import type { FieldError } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { WorkflowDef } from '../metadata/types.js';
import { evaluate } from '../rules/json-logic.js';
import { conditionHolds, expressionData, triggers, type RecordChange } from '../rules/workflow-match.js';
import type { Access } from '../security/access.js';

/**
 * Workflows that run before the save (`trigger.beforeSave`, Salesforce's "fast field updates"):
 * their updateRecord values go into the write being checked, so the record is saved once, with
 * them, and the answer, the history entry and the after-save workflows all see them. Every path
 * that writes a record checks it here (record-validator.ts: the API, bulk, CSV import).
 *
 * They work out their trigger, condition and values over the record as it would be saved, each
 * seeing what the ones before it (by apiName) set. A value is checked as a value sent by the
 * user would be, and with the user's field permissions unless the workflow runs as system; what
 * they cannot set refuses the write, naming the field and the workflow, rather than saving a
 * record the workflow was meant to change.
 */

type Row = Record<string, unknown>;

function changedFields(object: CompiledObject, before: Row, after: Row): string[] {
  const changed: string[] = [];
  for (const name of [...object.fields.keys(), 'owner_id']) {
    if (JSON.stringify(before[name] ?? null) !== JSON.stringify(after[name] ?? null)) changed.push(name);
  }
  return changed;
}

/** Adds the before-save workflows' values to `values` (checked as the write's), or their errors to `errors`. */
export function applyBeforeSave(
  object: CompiledObject,
  mode: 'create' | 'update',
  values: Map<string, unknown>,
  existing: Row | undefined,
  access: Access | undefined,
  errors: FieldError[],
): void {
  const record: Row = { ...existing, ...Object.fromEntries(values) };
  for (const workflow of object.beforeSave) {
    const change: RecordChange = {
      event: mode === 'create' ? 'created' : 'updated',
      record,
      ...(existing ? { old: existing } : {}),
      changed: existing ? changedFields(object, existing, record) : [],
    };
    const failed = (field: string, code: FieldError['code'], message: string) =>
      errors.push({ field, code, message: `${message} (workflow ${workflow.apiName}, before the save)` });
    try {
      if (!triggers(workflow, change) || !conditionHolds(workflow, change)) continue;
    } catch (e) {
      failed('', 'workflow', `the condition could not be worked out: ${(e as Error).message}`);
      continue;
    }
    for (const [name, value] of workOut(workflow, record, existing, failed)) {
      const field = object.fields.get(name);
      if (!field || field.type.readOnly) {
        failed(name, 'readOnly', `${name} cannot be set`);
      } else if (access && workflow.runAs !== 'system' && !access.canEditField(object.def.apiName, name)) {
        failed(name, 'fieldPermission', `sets ${name}, which you may not edit`);
      } else if (value !== null && !field.validate(value)) {
        failed(name, 'workflow', `set ${name} to ${JSON.stringify(value)}, which is not a valid ${field.def.type}`);
      } else {
        const stored = value === '' && !field.type.keepsEmptyString ? null : value;
        values.set(name, stored);
        record[name] = stored;
      }
    }
  }
}

/** The values of a workflow's actions in order, each action seeing the record as the ones before it left it. */
function workOut(
  workflow: WorkflowDef,
  record: Row,
  old: Row | undefined,
  failed: (field: string, code: FieldError['code'], message: string) => void,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const action of workflow.actions) {
    if (action.type !== 'updateRecord') continue; // saving refuses other actions (metadata/workflow-items.ts)
    const data = expressionData({ record: { ...record, ...Object.fromEntries(out) }, ...(old ? { old } : {}) });
    for (const [name, expression] of Object.entries(action.values)) {
      try {
        out.set(name, evaluate(expression, data) ?? null);
      } catch (e) {
        failed(name, 'workflow', `the value of ${name} could not be worked out: ${(e as Error).message}`);
      }
    }
  }
  return out;
}
