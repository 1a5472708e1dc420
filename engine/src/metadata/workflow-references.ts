import { renameLogic, renamePath } from './logic-rename.js';
import { renameFilterKeys } from './references.js';
import type { ObjectDef, WorkflowAction, WorkflowDef, WorkflowTrigger } from './types.js';

/**
 * Workflows follow a renamed object or field as layouts and list views do (references.ts): its
 * name changes wherever a workflow says it — the object, the trigger's fields, filters and date,
 * the condition and values (json-logic `var`, `$old.` included), merge fields in e-mails,
 * notifications and comments, the fields actions set and the lookups they follow. A deleted
 * field is left named: publishing then refuses the workflow, saying where, rather than running
 * logic with a piece silently missing. Pure.
 */

export interface ObjectRename {
  /** The object's apiName before and after the save. */
  from: string;
  to: string;
  /** Its fields' old apiName → new. */
  fields: ReadonlyMap<string, string>;
  /** Every object as saved (the changed one under its new name): where a parent lookup points. */
  objects: ReadonlyMap<string, ObjectDef>;
}

const NONE: ReadonlyMap<string, string> = new Map();
const MERGE_FIELD = /\{\{\s*([A-Za-z_$][A-Za-z0-9_.]*)\s*\}\}/g;
const renameTemplate = (text: string, renamed: ReadonlyMap<string, string>) =>
  text.replace(MERGE_FIELD, (whole, path: string) => (renamed.size ? `{{${renamePath(path, renamed)}}}` : whole));

const renameKeys = (values: Record<string, unknown>, renamed: ReadonlyMap<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [renamed.get(k) ?? k, v]));

function followTrigger(trigger: WorkflowTrigger, own: ReadonlyMap<string, string>): WorkflowTrigger {
  const next = { ...trigger } as Record<string, unknown>;
  if ('fields' in trigger && trigger.fields) next.fields = trigger.fields.map((f) => own.get(f) ?? f);
  if ('changedTo' in trigger && trigger.changedTo) next.changedTo = renameKeys(trigger.changedTo, own);
  if ('relativeTo' in trigger) next.relativeTo = own.get(trigger.relativeTo) ?? trigger.relativeTo;
  if ('upsertOn' in trigger && trigger.upsertOn) next.upsertOn = own.get(trigger.upsertOn) ?? trigger.upsertOn;
  if ('filter' in trigger && trigger.filter !== undefined) next.filter = renameFilterKeys(trigger.filter, own);
  return next as unknown as WorkflowTrigger;
}

/** The workflow as it must be after the object `change` describes was saved; the same object when nothing changes. */
export function followInWorkflow(workflow: WorkflowDef, change: ObjectRename): WorkflowDef {
  const mine = workflow.object === change.from;
  const own = mine ? change.fields : NONE;
  const objectName = (name: string) => (name === change.from ? change.to : name);
  // The fields of the object an action's values set, renamed when that object is the one saved.
  const of = (object: string | undefined) => (object === change.from || object === change.to ? change.fields : NONE);
  /** Where a lookup of the workflow's object (by its name after the save) points. */
  const targetOf = (lookup: string) =>
    change.objects.get(objectName(workflow.object))?.fields.find((f) => f.apiName === lookup)?.target;
  const action = (a: WorkflowAction): WorkflowAction => {
    switch (a.type) {
      case 'updateRecord':
        return { ...a, values: renameKeys(renameValues(a.values, own), own) };
      case 'createRecord':
        return { ...a, object: objectName(a.object), values: renameKeys(renameValues(a.values, own), of(a.object)) };
      case 'updateRelated':
        if ('parent' in a) {
          const parent = own.get(a.parent) ?? a.parent;
          return { ...a, parent, values: renameKeys(renameValues(a.values, own), of(targetOf(parent))) };
        }
        return {
          ...a,
          children: {
            object: objectName(a.children.object),
            lookup: of(a.children.object).get(a.children.lookup) ?? a.children.lookup,
          },
          ...(a.filter !== undefined ? { filter: renameFilterKeys(a.filter, of(a.children.object)) } : {}),
          values: renameKeys(renameValues(a.values, own), of(a.children.object)),
        };
      case 'email':
        return {
          ...a,
          to: a.to.map((r) => ('field' in r ? { ...r, field: own.get(r.field) ?? r.field } : r)),
          subject: renameTemplate(a.subject, own),
          body: renameTemplate(a.body, own),
          ...(a.html !== undefined ? { html: renameTemplate(a.html, own) } : {}),
        };
      case 'notify':
        return {
          ...a,
          title: renameTemplate(a.title, own),
          ...(a.body !== undefined ? { body: renameTemplate(a.body, own) } : {}),
        };
      case 'startApproval':
        return a.comment === undefined ? a : { ...a, comment: renameTemplate(a.comment, own) };
      default:
        return a;
    }
  };
  const next: WorkflowDef = {
    ...workflow,
    object: objectName(workflow.object),
    trigger: followTrigger(workflow.trigger, own),
    actions: workflow.actions.map(action),
  };
  if (workflow.condition !== undefined) next.condition = renameLogic(workflow.condition, own);
  return JSON.stringify(next) === JSON.stringify(workflow) ? workflow : next;
}

const renameValues = (values: Record<string, unknown>, own: ReadonlyMap<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, renameLogic(v, own)]));
