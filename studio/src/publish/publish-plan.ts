import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import type { MetadataChange, PlanEntry, PublishResult } from '../api/studio.api';

/**
 * What the publish dialog shows of a dry run: the changes, the schema steps, and whether
 * publishing can go ahead, needs the lossy steps confirmed, or is blocked. A dry run the engine
 * refuses (a blocked step: 409 with the plan) is read the same way.
 */
export interface PublishPreview {
  diff: MetadataChange[];
  plan: PlanEntry[];
  state: 'nothing' | 'ready' | 'confirm' | 'blocked';
  /** Rows the lossy steps touch, summed. */
  lossyRows: number;
}

export function previewOf(result: Pick<PublishResult, 'diff' | 'plan'>): PublishPreview {
  const lossy = result.plan.filter((p) => p.lossy);
  const state = result.plan.some((p) => p.blocked)
    ? 'blocked'
    : lossy.length
      ? 'confirm'
      : result.diff.length || result.plan.length
        ? 'ready'
        : 'nothing';
  return { diff: result.diff, plan: result.plan, state, lossyRows: lossy.reduce((n, p) => n + (p.rows ?? 0), 0) };
}

/** A refused dry run that still carries its plan (blocked steps), or undefined. */
export function previewOfRefusal(error: ApiError): PublishPreview | undefined {
  const plan = error.extra.plan;
  if (error.status !== 409 || !Array.isArray(plan)) return undefined;
  return { ...previewOf({ diff: [], plan: plan as PlanEntry[] }), state: 'blocked' };
}
