import type { ErrorCode, FieldError } from '../errors.js';
import { fieldType } from '../fields/index.js';
import { CronExpressionParser } from 'cron-parser';
import { durationMs, signedDurationMs } from '../lib/duration.js';
import { compiledDraftObjects } from './compiled-draft.js';
import { pointer } from './view-items.js';
import { newItemId, newUrlSecret, newWebhookSecret } from '../lib/ids.js';
import { allowHostsFromEnv, checkWebhookUrl } from '../lib/url-guard.js';
import { templateFields } from '../rules/merge-template.js';
import { checkLogic } from '../rules/json-logic.js';
import type { SecurityContext } from './security-items.js';
import {
  isBeforeSave,
  isRecordTrigger,
  type InboundTrigger,
  type ObjectDef,
  type RecordTrigger,
  type WorkflowAction,
  type WorkflowDef,
} from './types.js';

/**
 * Workflows: what workflow.schema.json cannot check. Every name a workflow uses must exist when
 * it is saved — the object, the trigger's fields, the fields its condition and values read and
 * the fields its actions write — so a published workflow never fails on a typo at run time.
 */

const MAX_WAIT_MS = 366 * 86_400_000;

/** Fields every record has, readable in conditions and values. */
const SYSTEM_FIELDS = ['id', 'owner_id', 'created_at', 'updated_at', 'created_by', 'updated_by'];

/** Gives a workflow its id, and each webhook without a secret the one it had for that URL, or a new one. */
export function normalizeWorkflow(input: WorkflowDef, existing?: WorkflowDef): WorkflowDef {
  const workflow = structuredClone(input);
  workflow.id ??= existing?.id ?? newItemId('wf');
  // Unchecked input: the schema is checked after this.
  const trigger = workflow.trigger as Partial<InboundTrigger> | undefined;
  if (trigger?.inbound && trigger.secret === undefined) {
    const before = existing?.trigger;
    trigger.secret = before && 'secret' in before ? before.secret : newUrlSecret();
  }
  withWebhookSecrets(workflow.actions, existing?.actions);
  return workflow;
}

/** Gives each webhook without a secret the one it had for that URL before, or a new one. */
export function withWebhookSecrets(actions: unknown, before: WorkflowAction[] = []): void {
  if (!Array.isArray(actions)) return;
  const secrets = new Map<string, string>();
  for (const a of before) if (a.type === 'webhook') secrets.set(a.url, a.secret);
  for (const a of actions as (WorkflowAction | null)[]) {
    if (a?.type === 'webhook' && a.secret === undefined) a.secret = secrets.get(a.url) ?? newWebhookSecret();
  }
}

/**
 * The object whose records an action writes: the workflow's own, a new record's, the parent a
 * lookup points at, or the related list's. Undefined (with the reason reported) when it names
 * what does not exist.
 */
function targetOf(
  action: Extract<WorkflowAction, { values: unknown }>,
  object: ObjectDef,
  objects: ReadonlyMap<string, ObjectDef>,
  refused: (path: string, message: string) => void,
): ObjectDef | undefined {
  if (action.type === 'updateRecord') return object;
  if (action.type === 'createRecord') {
    const target = objects.get(action.object);
    if (!target) refused('/object', `object "${action.object}" does not exist`);
    return target;
  }
  if ('parent' in action) {
    const lookup = object.fields.find((f) => f.apiName === action.parent);
    const target = lookup?.target === undefined ? undefined : objects.get(lookup.target);
    if (!target) refused('/parent', `"${action.parent}" is not a lookup of ${object.apiName}`);
    return target;
  }
  const child = objects.get(action.children.object);
  if (!child) {
    refused('/children/object', `object "${action.children.object}" does not exist`);
    return undefined;
  }
  const lookup = child.fields.find((f) => f.apiName === action.children.lookup);
  if (lookup?.target !== object.apiName) {
    refused('/children/lookup', `"${action.children.lookup}" is not a lookup of ${child.apiName} to ${object.apiName}`);
    return undefined;
  }
  return child;
}

/** A cron schedule and time zone the scheduler can read; what is wrong with them otherwise. */
function cronError(schedule: string, timezone: string | undefined): { field: string; message: string } | undefined {
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      return { field: '/trigger/timezone', message: `"${timezone}" is not an IANA time zone` };
    }
  }
  if (schedule.trim().split(/\s+/).length !== 5)
    return { field: '/trigger/schedule', message: 'five fields: minute hour day-of-month month day-of-week' };
  try {
    CronExpressionParser.parse(schedule, { strict: false, ...(timezone ? { tz: timezone } : {}) });
  } catch (e) {
    return { field: '/trigger/schedule', message: (e as Error).message };
  }
  return undefined;
}

function triggerErrors(trigger: RecordTrigger, object: ObjectDef): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, code: ErrorCode, message: string) => errors.push({ field, code, message });
  const has = (name: string) => object.fields.some((f) => f.apiName === name);
  trigger.fields?.forEach((name, i) => {
    if (!has(name)) err(`/trigger/fields/${i}`, 'reference', `"${name}" is not a field of ${object.apiName}`);
  });
  if (trigger.fields && trigger.on !== 'update' && trigger.on !== 'createOrUpdate')
    err('/trigger/fields', 'invalid', 'only an update trigger can wait for fields to change');
  for (const name of Object.keys(trigger.changedTo ?? {})) {
    if (!has(name)) err(`/trigger/changedTo/${name}`, 'reference', `"${name}" is not a field of ${object.apiName}`);
  }
  if (trigger.changedTo && trigger.on === 'delete')
    err('/trigger/changedTo', 'invalid', 'a delete trigger changes no field');
  if (trigger.beforeSave && trigger.on === 'delete')
    err(
      '/trigger/beforeSave',
      'invalid',
      'a record moved to the recycle bin is not saved: only create and update triggers can run before the save',
    );
  return errors;
}

/** Whether an expression or template of a workflow on `object` may read `name` (`$old.x` only `withOld`). */
function readableBy(object: ObjectDef, name: string, withOld: boolean): boolean {
  const has = (field: string) => object.fields.some((f) => f.apiName === field);
  const [root, rest] = [name.split('.')[0]!, name.split('.').slice(1).join('.')];
  if (withOld && root === '$old') return rest !== '' && (has(rest.split('.')[0]!) || SYSTEM_FIELDS.includes(rest));
  return has(root) || SYSTEM_FIELDS.includes(root);
}

/**
 * A workflow expression (its condition, a value it sets): allowed json-logic reading the
 * triggering record's fields and system columns, and with `withOld` its values before the
 * change as `$old.<field>`. Pointers are inside the expression; the studio's rule editor asks
 * the same (rule-check.ts).
 */
export function workflowExpressionErrors(object: ObjectDef, value: unknown, withOld: boolean): FieldError[] {
  const logic = checkLogic(value);
  const errors: FieldError[] = logic.errors.map((e) => ({ field: e.path, code: 'logic', message: e.message }));
  for (const name of logic.paths) {
    if (!readableBy(object, name, withOld))
      errors.push({
        field: '',
        code: 'reference',
        message: `reads "${name}", which is not a field of ${object.apiName}`,
      });
  }
  return errors;
}

export function workflowErrors(workflow: WorkflowDef, ctx: SecurityContext): FieldError[] {
  const { objects } = ctx;
  const errors: FieldError[] = [];
  const err = (field: string, code: ErrorCode, message: string) => errors.push({ field, code, message });
  const object = objects.get(workflow.object);
  if (!object) {
    err('/object', 'reference', `object "${workflow.object}" does not exist`);
    return errors;
  }
  const readable = (name: string, withOld: boolean) => readableBy(object, name, withOld);
  const { trigger } = workflow;
  if (isRecordTrigger(trigger)) errors.push(...triggerErrors(trigger, object));
  if ('schedule' in trigger) {
    const refused = cronError(trigger.schedule, trigger.timezone);
    if (refused) err(refused.field, 'format', refused.message);
  }
  if ('relativeTo' in trigger) {
    const field = object.fields.find((f) => f.apiName === trigger.relativeTo);
    if (!field) err('/trigger/relativeTo', 'reference', `"${trigger.relativeTo}" is not a field of ${object.apiName}`);
    else if (field.type !== 'date' && field.type !== 'datetime')
      err('/trigger/relativeTo', 'type', `"${trigger.relativeTo}" is not a date or date-time field`);
    const offset = signedDurationMs(trigger.offset);
    if (offset === undefined || Math.abs(offset) > MAX_WAIT_MS)
      err('/trigger/offset', 'format', 'an ISO 8601 duration of at most a year, negative for before (-P3D)');
  }
  if ('inbound' in trigger && trigger.upsertOn !== undefined) {
    const field = object.fields.find((f) => f.apiName === trigger.upsertOn);
    if (!field?.unique)
      err('/trigger/upsertOn', 'notUnique', `"${trigger.upsertOn}" is not a unique field of ${object.apiName}`);
  }
  if (('schedule' in trigger || 'relativeTo' in trigger) && trigger.filter !== undefined) {
    // Checked exactly as the list API will parse it when the time comes.
    const compiled = compiledDraftObjects(objects, [object.apiName]).get(object.apiName);
    if (!compiled)
      err('/object', 'invalid', `object "${object.apiName}" is not valid itself, so the filter cannot be checked`);
    else
      for (const fe of ctx.checks.filterErrors(compiled, trigger.filter, compiledDraftObjects(objects, objects.keys())))
        err(`/trigger/filter${pointer(fe.field)}`, fe.code, fe.message);
  }

  // Expressions read the triggering record; a condition and values also read `$old`, its values before the change.
  const expression = (path: string, value: unknown, withOld: boolean) => {
    for (const e of workflowExpressionErrors(object, value, withOld)) err(`${path}${e.field}`, e.code, e.message);
  };
  if (workflow.condition !== undefined) expression('/condition', workflow.condition, true);
  if (isBeforeSave(workflow)) {
    workflow.actions.forEach((action, i) => {
      if (action.type !== 'updateRecord')
        err(
          `/actions/${i}/type`,
          'invalid',
          'a workflow that runs before the save can only set values of the record (updateRecord)',
        );
    });
  }

  workflow.actions.forEach((action, i) => {
    const at = `/actions/${i}`;
    if (action.type === 'webhook') {
      const refused = checkWebhookUrl(action.url, allowHostsFromEnv());
      if (refused) err(`${at}/url`, 'format', refused);
      return;
    }
    if (action.type === 'email') {
      action.to.forEach((r, j) => {
        if (!('field' in r)) return;
        const field = object.fields.find((f) => f.apiName === r.field);
        if (!field) err(`${at}/to/${j}/field`, 'reference', `"${r.field}" is not a field of ${object.apiName}`);
        else if (field.type !== 'email') err(`${at}/to/${j}/field`, 'type', `"${r.field}" is not an email field`);
      });
      for (const key of ['subject', 'body', 'html'] as const) {
        for (const path of templateFields(action[key] ?? '')) {
          if (!readable(path, false))
            err(`${at}/${key}`, 'reference', `merges "${path}", which is not a field of ${object.apiName}`);
        }
      }
      return;
    }
    if (action.type === 'notify') {
      action.to.forEach((a, j) => {
        if ('role' in a && !ctx.roles.some((r) => r.apiName === a.role))
          err(`${at}/to/${j}/role`, 'reference', `role "${a.role}" does not exist`);
        if ('group' in a && !ctx.groups.some((g) => g.apiName === a.group))
          err(`${at}/to/${j}/group`, 'reference', `group "${a.group}" does not exist`);
      });
      for (const key of ['title', 'body'] as const) {
        for (const path of templateFields(action[key] ?? '')) {
          if (!readable(path, false))
            err(`${at}/${key}`, 'reference', `merges "${path}", which is not a field of ${object.apiName}`);
        }
      }
      return;
    }
    if (action.type === 'startApproval') {
      const processes = ctx.approvalProcesses.filter((p) => p.object === object.apiName);
      if (action.process !== undefined && !processes.some((p) => p.apiName === action.process))
        err(`${at}/process`, 'reference', `"${action.process}" is not an approval process of ${object.apiName}`);
      else if (!processes.length) err(`${at}/process`, 'reference', `${object.apiName} has no approval process`);
      for (const path of templateFields(action.comment ?? '')) {
        if (!readable(path, false))
          err(`${at}/comment`, 'reference', `merges "${path}", which is not a field of ${object.apiName}`);
      }
      return;
    }
    if (action.type === 'wait') {
      const ms = durationMs(action.for);
      if (ms === undefined || ms > MAX_WAIT_MS)
        err(`${at}/for`, 'format', 'an ISO 8601 duration of weeks, days, hours, minutes and seconds, at most a year');
      return;
    }
    const target = targetOf(action, object, objects, (path, message) => err(`${at}${path}`, 'reference', message));
    if (!target) return;
    if ('children' in action && action.filter !== undefined) {
      const compiled = compiledDraftObjects(objects, [target.apiName]).get(target.apiName);
      for (const fe of compiled ? ctx.checks.filterErrors(compiled, action.filter) : [])
        err(`${at}/filter${pointer(fe.field)}`, fe.code, fe.message);
    }
    for (const [name, value] of Object.entries(action.values)) {
      const field = target.fields.find((f) => f.apiName === name);
      if (!field) err(`${at}/values/${name}`, 'unknownField', `"${name}" is not a field of ${target.apiName}`);
      else if (fieldType(field).readOnly)
        err(`${at}/values/${name}`, 'readOnly', `"${name}" is computed and cannot be set`);
      expression(`${at}/values/${name}`, value, true);
    }
    if (action.type === 'createRecord') {
      for (const field of target.fields) {
        if (field.required && field.default === undefined && !(field.apiName in action.values))
          err(`${at}/values`, 'required', `a new ${target.apiName} needs "${field.apiName}"`);
      }
    }
  });
  return errors;
}
