import type { Label } from './metadata.api';
import { requestJson } from './http';

/**
 * Approvals (the engine's approval processes): a record submitted goes through the process's steps, each step's
 * approvers get a task; while it is pending the record is locked for everyone but admins. The record's approvals
 * (POST/GET /records/{object}/{id}/approval, …/recall), and an approver's queue and decisions (/approvals/…).
 */

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'recalled';
export type TaskStatus = 'pending' | 'approved' | 'rejected' | 'skipped' | 'reassigned';

/** One approver's part in one step: asked, then approved, rejected, skipped (someone else answered) or handed on. */
export interface ApprovalTask {
  id: string;
  /** The step's index in the process, and its name. */
  step: number;
  stepName: string | null;
  approverId: string;
  status: TaskStatus;
  comment: string | null;
  /** The approver who handed this task on, when it was delegated. */
  delegatedFrom: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export interface Approval {
  id: string;
  /** The process's API name and label (as it was when submitted). */
  process: string;
  label: Label;
  object: string;
  recordId: string;
  submittedBy: string;
  status: ApprovalStatus;
  /** The current (or last) step; -1 before the first. */
  step: number;
  stepName: string | null;
  /** The submitter's comment, or the recaller's when recalled. */
  comment: string | null;
  submittedAt: string;
  finishedAt: string | null;
  tasks: ApprovalTask[];
}

/** A task of the caller's queue, with the approval it belongs to. */
export type MyApprovalTask = ApprovalTask & { approval: Omit<Approval, 'tasks'> };

const base = (object: string, id: string) =>
  `/records/${encodeURIComponent(object)}/${encodeURIComponent(id)}/approval`;

/** The record's approvals, newest first. */
export const listRecordApprovals = (object: string, id: string, signal?: AbortSignal) =>
  requestJson<{ data: Approval[] }>(base(object, id), { signal });

/** 409 when one is pending already; 422 (field `process`) when no active process takes the record. */
export const submitForApproval = (object: string, id: string, body: { process?: string; comment?: string }) =>
  requestJson<Approval>(base(object, id), { method: 'POST', body });

/** Only the submitter or an admin (409 otherwise); 404 when none is pending. */
export const recallApproval = (object: string, id: string, body: { comment?: string }) =>
  requestJson<Approval>(`${base(object, id)}/recall`, { method: 'POST', body });

/** The caller's pending tasks, oldest first. */
export const listMyApprovals = (signal?: AbortSignal) =>
  requestJson<{ data: MyApprovalTask[] }>('/approvals/mine', { signal });

export const decideApproval = (taskId: string, body: { decision: 'approve' | 'reject'; comment?: string }) =>
  requestJson<Approval>(`/approvals/${encodeURIComponent(taskId)}/decision`, { method: 'POST', body });

/** Hands the caller's task to another active user. */
export const delegateApproval = (taskId: string, user: string) =>
  requestJson<Approval>(`/approvals/${encodeURIComponent(taskId)}/delegate`, { method: 'POST', body: { user } });
