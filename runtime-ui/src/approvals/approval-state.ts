import type { TFunction } from 'i18next';
import { ApiError } from '../api/api-error';
import type { Approval, ApprovalTask } from '../api/approvals.api';

/** What the record page and the queue work out from the engine's answers: pure, tested in approval-state.test.ts. */

/** The newest approval (the pending one, if any: only one can be) and the earlier ones. */
export function splitApprovals(approvals: readonly Approval[]): { current?: Approval; earlier: Approval[] } {
  const [current, ...earlier] = approvals;
  return { current, earlier };
}

/** The record is locked while its newest approval is pending (the engine lets admins through regardless). */
export const isLocked = (approvals: readonly Approval[] | undefined) => approvals?.[0]?.status === 'pending';

/** The user's own pending task in the approval's current step, which they may approve, reject or delegate. */
export const pendingTaskOf = (approval: Approval | undefined, userId: string): ApprovalTask | undefined =>
  approval?.status === 'pending'
    ? approval.tasks.find((t) => t.approverId === userId && t.status === 'pending' && t.step === approval.step)
    : undefined;

/** The approvers asked in the approval's current step, who have not answered yet. */
export const waitingOn = (approval: Approval): string[] =>
  approval.status === 'pending'
    ? approval.tasks.filter((t) => t.step === approval.step && t.status === 'pending').map((t) => t.approverId)
    : [];

/** The tasks that say something: decisions and hand-overs, in the order they were made. */
export const decisions = (approval: Approval): ApprovalTask[] =>
  approval.tasks
    .filter((t) => t.status === 'approved' || t.status === 'rejected' || t.status === 'reassigned')
    .sort((a, b) => (a.decidedAt ?? '').localeCompare(b.decidedAt ?? ''));

/** A write the engine refused because the record waits for approval (409, `approvalPending`). */
export const isApprovalPending = (e: unknown): boolean =>
  e instanceof ApiError && e.status === 409 && e.errors.some((p) => p.code === 'approvalPending');

/** Why a submission was refused, in the user's words: nothing takes it (422 on `process`), or it waits already. */
export function submitRefusal(e: unknown, t: TFunction): string {
  if (e instanceof ApiError && e.status === 422 && e.errors.some((p) => p.field === 'process'))
    return t('approval.noProcess');
  if (isApprovalPending(e)) return t('approval.alreadyPending');
  return e instanceof ApiError ? e.display : String((e as Error)?.message ?? e);
}

/** Why a change or delete of a record was refused: someone saved meanwhile, the approval lock, or the engine's reason. */
export function editRefusal(e: unknown, t: TFunction): string {
  if (e instanceof ApiError && e.status === 412) return t('record.stale');
  if (isApprovalPending(e)) return t('approval.lockedEdit');
  return e instanceof ApiError ? e.display : String((e as Error)?.message ?? e);
}
