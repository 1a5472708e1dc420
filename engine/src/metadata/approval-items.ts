import type { FieldError } from '../errors.js';
import type { SecurityContext } from './security-items.js';
import type { ApprovalProcessDef, WorkflowAction, WorkflowDef } from './types.js';
import { newItemId } from '../lib/ids.js';
import { withWebhookSecrets, workflowErrors } from './workflow-items.js';

const ACTION_LISTS = ['onSubmit', 'onApprove', 'onReject', 'onRecall'] as const;

/**
 * Approval processes: what approval-process.schema.json cannot check. Conditions and the actions
 * on submit, approval, rejection and recall are checked exactly as a workflow's are (they run as
 * workflow runs), with the errors placed where they are in the process; approvers' roles and
 * groups must exist.
 */

/** A workflow's checks on one condition and list of actions of the process, errors moved under `at`. */
function asWorkflow(
  process: ApprovalProcessDef,
  ctx: SecurityContext,
  at: string,
  parts: { condition?: unknown; actions?: WorkflowAction[] },
): FieldError[] {
  const workflow: WorkflowDef = {
    id: process.id,
    apiName: process.apiName,
    label: process.label,
    object: process.object,
    trigger: { manual: true },
    ...(parts.condition === undefined ? {} : { condition: parts.condition }),
    actions: parts.actions ?? [],
  };
  return workflowErrors(workflow, ctx).map((e) => ({
    ...e,
    field: e.field === '/object' ? e.field : e.field.replace(/^\/(condition|actions)/, at),
  }));
}

export function normalizeApprovalProcess(input: ApprovalProcessDef, existing?: ApprovalProcessDef): ApprovalProcessDef {
  const process = structuredClone(input);
  process.id ??= existing?.id ?? newItemId('ap');
  for (const key of ACTION_LISTS) withWebhookSecrets(process[key], existing?.[key]);
  return process;
}

export function approvalProcessErrors(process: ApprovalProcessDef, ctx: SecurityContext): FieldError[] {
  if (!ctx.objects.has(process.object))
    return [{ field: '/object', code: 'reference', message: `object "${process.object}" does not exist` }];
  const errors: FieldError[] = [];
  if (process.entryCondition !== undefined)
    errors.push(...asWorkflow(process, ctx, '/entryCondition', { condition: process.entryCondition }));
  const names = new Set<string>();
  process.steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    if (names.has(step.name))
      errors.push({ field: `${at}/name`, code: 'duplicate', message: `step "${step.name}" is named twice` });
    names.add(step.name);
    const a = step.approver;
    if ('role' in a && !ctx.roles.some((r) => r.apiName === a.role))
      errors.push({ field: `${at}/approver/role`, code: 'reference', message: `role "${a.role}" does not exist` });
    if ('group' in a && !ctx.groups.some((g) => g.apiName === a.group))
      errors.push({ field: `${at}/approver/group`, code: 'reference', message: `group "${a.group}" does not exist` });
    if (step.condition !== undefined)
      errors.push(...asWorkflow(process, ctx, `${at}/condition`, { condition: step.condition }));
  });
  for (const key of ACTION_LISTS) {
    if (process[key]?.length) errors.push(...asWorkflow(process, ctx, `/${key}`, { actions: process[key] }));
  }
  return errors;
}
