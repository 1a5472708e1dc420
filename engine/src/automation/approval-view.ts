import type { ApprovalProcessDef } from '../metadata/types.js';

/** The rows of an approval and its tasks, and how the API shows them. */

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'recalled';

export interface ApprovalRow {
  id: string;
  process_id: string;
  process: string;
  definition: ApprovalProcessDef;
  object: string;
  record_id: string;
  submitted_by: string;
  status: ApprovalStatus;
  step: number;
  depth: number;
  comment: string | null;
  submitted_at: Date;
  finished_at: Date | null;
}

export interface TaskRow {
  id: string;
  approval_id: string;
  step: number;
  approver_id: string;
  status: 'pending' | 'approved' | 'rejected' | 'skipped' | 'reassigned';
  comment: string | null;
  delegated_from: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const view = (a: ApprovalRow, tasks: TaskRow[]) => ({
  id: a.id,
  process: a.process,
  label: a.definition.label,
  object: a.object,
  recordId: a.record_id,
  submittedBy: a.submitted_by,
  status: a.status,
  step: a.step,
  stepName: a.definition.steps[a.step]?.name ?? null,
  comment: a.comment,
  submittedAt: iso(a.submitted_at),
  finishedAt: iso(a.finished_at),
  tasks: tasks.map((t) => ({
    id: t.id,
    step: t.step,
    stepName: a.definition.steps[t.step]?.name ?? null,
    approverId: t.approver_id,
    status: t.status,
    comment: t.comment,
    delegatedFrom: t.delegated_from,
    createdAt: iso(t.created_at),
    decidedAt: iso(t.decided_at),
  })),
});

export type ApprovalView = ReturnType<typeof view>;
