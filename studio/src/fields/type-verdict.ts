import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import type { PlanEntry } from '../api/studio.api';

/**
 * What the schema planner says about one field's change (its type, its API name, a setting the
 * column holds), read from the engine's plan of the object as it would be saved: safe, lossy
 * (with the records that would lose their value), or blocked. Steps of the object's other
 * fields are left out.
 */

export type TypeVerdict =
  | { verdict: 'safe'; steps: PlanEntry[] }
  | { verdict: 'lossy'; steps: PlanEntry[]; rows: number }
  | { verdict: 'blocked'; steps: PlanEntry[]; reason: string }
  /** The planner could not answer for a reason other than this field (the draft is invalid elsewhere). */
  | { verdict: 'failed'; reason: string };

const ofField = (table: string, column: string) => (p: { table: string; column?: string }) =>
  p.table === table && (p.column === column || (p.column?.startsWith(`${column}__`) ?? false));

/** `column` is the field's API name as proposed: a rename's steps carry the new name. */
export function verdictFromPlan(plan: { plan: PlanEntry[] }, table: string, column: string): TypeVerdict {
  const steps = plan.plan.filter(ofField(table, column));
  const blocked = steps.find((s) => s.blocked);
  if (blocked) return { verdict: 'blocked', steps, reason: blocked.blocked! };
  const lossy = steps.filter((s) => s.lossy);
  if (lossy.length) return { verdict: 'lossy', steps, rows: Math.max(...lossy.map((s) => s.rows ?? 0)) };
  return { verdict: 'safe', steps };
}

/** A refused plan: blocked when it names this field (409 blocked, 422 typeChange), else failed. */
export function verdictFromRefusal(error: ApiError, table: string, column: string): TypeVerdict {
  const mine = error.errors.find(
    (e) => (e.code === 'blocked' || e.code === 'typeChange') && ofField(table, column)(splitField(e.field)),
  );
  if (mine) return { verdict: 'blocked', steps: [], reason: mine.message };
  return { verdict: 'failed', reason: error.display };
}

/** Whether the verdict lets Save write the change: blocked never, lossy once confirmed. */
export function savable(verdict: TypeVerdict | undefined, lossyConfirmed: boolean): boolean {
  if (!verdict) return true;
  if (verdict.verdict === 'blocked') return false;
  return verdict.verdict !== 'lossy' || lossyConfirmed;
}

const splitField = (field: string) => {
  const [table = '', column] = field.split('.');
  return { table, column };
};
