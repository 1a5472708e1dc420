import type { ErrorSchema } from '@rjsf/utils';
import type { FieldProblem } from '../api/api-error';

/**
 * The engine's problem+json `errors` → rjsf `extraErrors`, so each message shows under its own
 * field. Field names come as `amount`, `/amount` or `billing_address/city`; problems that name no
 * field of the form are returned apart, for a banner.
 */
export function serverErrors(
  problems: FieldProblem[],
  formFields: Set<string>,
): { errorSchema: ErrorSchema; general: string[] } {
  const errorSchema: Record<string, unknown> = {};
  const general: string[] = [];
  for (const p of problems) {
    const path = String(p.field ?? '')
      .replace(/^\//, '')
      .split(/[/.]/)
      .filter(Boolean);
    if (!path.length || !formFields.has(path[0]!)) {
      general.push(p.message);
      continue;
    }
    let node = errorSchema;
    for (const part of path) node = (node[part] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(p.message);
  }
  return { errorSchema: errorSchema as ErrorSchema, general };
}
