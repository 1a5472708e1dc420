import { evaluate } from '../../rules/json-logic.js';

/** An action's values: each json-logic over the triggering record (a plain value is itself). */
export function workOut(values: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([name, expr]) => [name, evaluate(expr, data) ?? null]));
}
