import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import type { Approval, ApprovalTask } from '../api/approvals.api';
import {
  decisions,
  editRefusal,
  isApprovalPending,
  isLocked,
  pendingTaskOf,
  splitApprovals,
  submitRefusal,
  waitingOn,
} from './approval-state';

const t = ((key: string) => key) as unknown as TFunction;

const task = (over: Partial<ApprovalTask>): ApprovalTask => ({
  id: 't1',
  step: 0,
  stepName: 'manager',
  approverId: 'u-manager',
  status: 'pending',
  comment: null,
  delegatedFrom: null,
  createdAt: '2026-01-01T10:00:00.000Z',
  decidedAt: null,
  ...over,
});

const approval = (over: Partial<Approval>): Approval => ({
  id: 'a1',
  process: 'discount',
  label: { en: 'Discount approval' },
  object: 'opportunity',
  recordId: 'r1',
  submittedBy: 'u-rep',
  status: 'pending',
  step: 0,
  stepName: 'manager',
  comment: null,
  submittedAt: '2026-01-01T10:00:00.000Z',
  finishedAt: null,
  tasks: [],
  ...over,
});

describe('approval state', () => {
  const pending = approval({
    tasks: [
      task({ id: 't1', approverId: 'u-manager' }),
      task({ id: 't2', approverId: 'u-other' }),
      task({ id: 't0', approverId: 'u-old', status: 'reassigned', decidedAt: '2026-01-01T10:01:00.000Z' }),
    ],
  });

  it('splits the newest approval from the earlier ones', () => {
    const older = approval({ id: 'a0', status: 'rejected' });
    expect(splitApprovals([pending, older])).toEqual({ current: pending, earlier: [older] });
    expect(splitApprovals([])).toEqual({ current: undefined, earlier: [] });
  });

  it('is locked only while the newest approval is pending', () => {
    expect(isLocked([pending])).toBe(true);
    expect(isLocked([approval({ status: 'approved' }), pending])).toBe(false);
    expect(isLocked([])).toBe(false);
    expect(isLocked(undefined)).toBe(false);
  });

  it("finds the user's own pending task of the current step, and nobody else's", () => {
    expect(pendingTaskOf(pending, 'u-manager')?.id).toBe('t1');
    expect(pendingTaskOf(pending, 'u-old')).toBeUndefined();
    expect(pendingTaskOf(pending, 'u-rep')).toBeUndefined();
    expect(pendingTaskOf({ ...pending, status: 'recalled' }, 'u-manager')).toBeUndefined();
    // A task of an earlier step is not answered any more.
    expect(pendingTaskOf({ ...pending, step: 1 }, 'u-manager')).toBeUndefined();
  });

  it('says who is still to answer, and lists decisions and hand-overs in order', () => {
    expect(waitingOn(pending)).toEqual(['u-manager', 'u-other']);
    expect(waitingOn({ ...pending, status: 'approved' })).toEqual([]);
    const done = approval({
      status: 'approved',
      tasks: [
        task({ id: 'b', status: 'approved', decidedAt: '2026-01-02T00:00:00.000Z' }),
        task({ id: 'a', status: 'reassigned', decidedAt: '2026-01-01T00:00:00.000Z' }),
        task({ id: 'c', status: 'skipped', decidedAt: '2026-01-02T00:00:00.000Z' }),
      ],
    });
    expect(decisions(done).map((d) => d.id)).toEqual(['a', 'b']);
  });

  it("turns the engine's refusals into the user's words", () => {
    const locked = new ApiError(409, 'Conflict', 'locked', [
      { field: 'id', code: 'approvalPending', message: 'the opportunity is locked' },
    ]);
    const noProcess = new ApiError(422, 'Invalid', 'no approval process', [
      { field: 'process', code: 'reference', message: 'none applies' },
    ]);
    const other = new ApiError(409, 'Conflict', 'unique', [{ field: 'name', code: 'unique', message: 'taken' }]);
    expect(isApprovalPending(locked)).toBe(true);
    expect(isApprovalPending(other)).toBe(false);
    expect(submitRefusal(noProcess, t)).toBe('approval.noProcess');
    expect(submitRefusal(locked, t)).toBe('approval.alreadyPending');
    expect(submitRefusal(other, t)).toBe('unique: taken');
    expect(editRefusal(locked, t)).toBe('approval.lockedEdit');
    expect(editRefusal(new ApiError(412, 'Precondition failed', ''), t)).toBe('record.stale');
    expect(editRefusal(other, t)).toBe('unique: taken');
  });
});
