import { evaluate } from '../../rules/json-logic.js';
import { redact } from '../../security/field-guard.js';
import { expressionData } from '../../rules/workflow-match.js';
import type { ActionContext } from './action.js';

/** An action's values: each json-logic over the triggering record (a plain value is itself). */
export function workOut(values: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([name, expr]) => [name, evaluate(expr, data) ?? null]));
}

/**
 * What merge fields show a person (an e-mail, a notification, a comment): the record with only
 * the fields the run's user may read, as webhooks send it.
 */
export function visibleData(ctx: ActionContext): Record<string, unknown> {
  const object = ctx.compiled.objects.get(ctx.run.object);
  if (!object) return {};
  const seen = (r: Record<string, unknown>) => redact(object, { ...r }, ctx.caller.access);
  return expressionData({ record: seen(ctx.run.record), ...(ctx.run.old ? { old: seen(ctx.run.old) } : {}) });
}
