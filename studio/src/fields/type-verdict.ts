import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import type { PlanEntry, PublishResult } from '../api/studio.api';

/**
 * What the schema planner says about one field's change (its type), read from a dry-run publish
 * of the draft: safe, lossy (with the records that would lose their value), or blocked. Steps
 * of other changes in the draft are left out.
 */

export type TypeVerdict =
  | { verdict: 'safe'; steps: PlanEntry[] }
  | { verdict: 'lossy'; steps: PlanEntry[]; rows: number }
  | { verdict: 'blocked'; reason: string }
  /** The dry run failed for a reason other than this field (the draft is invalid elsewhere). */
  | { verdict: 'failed'; reason: string };

const ofField = (table: string, column: string) => (p: { table: string; column?: string }) =>
  p.table === table && (p.column === column || (p.column?.startsWith(`${column}__`) ?? false));

export function verdictFromPlan(plan: PublishResult, table: string, column: string): TypeVerdict {
  const steps = plan.plan.filter(ofField(table, column));
  const blocked = steps.find((s) => s.blocked);
  if (blocked) return { verdict: 'blocked', reason: blocked.blocked! };
  const lossy = steps.filter((s) => s.lossy);
  if (lossy.length) return { verdict: 'lossy', steps, rows: Math.max(...lossy.map((s) => s.rows ?? 0)) };
  return { verdict: 'safe', steps };
}

/** A refused dry run: blocked when it names this field (409 blocked, 422 typeChange), else failed. */
export function verdictFromRefusal(error: ApiError, table: string, column: string): TypeVerdict {
  const mine = error.errors.find(
    (e) => (e.code === 'blocked' || e.code === 'typeChange') && ofField(table, column)(splitField(e.field)),
  );
  if (mine) return { verdict: 'blocked', reason: mine.message };
  return { verdict: 'failed', reason: error.display };
}

const splitField = (field: string) => {
  const [table = '', column] = field.split('.');
  return { table, column };
};
