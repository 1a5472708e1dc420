import type { Label } from './metadata.api';
import { query, requestJson } from './http';

/**
 * Workflow runs (GET /automation/runs, GET /automation/runs/{id}, POST …/{id}/retry) and the
 * workflows themselves (GET /meta/workflows): admins only (manageMetadata), others get a 403.
 * Starting a manual workflow (POST /automation/workflows/{apiName}/run) is for anyone who sees
 * its object and the records.
 */

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The change that started a run. */
export type RunEvent = 'created' | 'updated' | 'deleted' | 'restored' | 'manual' | 'scheduled' | 'inbound' | 'approval';

export interface RunSummary {
  id: string;
  /** API name of the workflow. */
  workflow: string;
  /** The metadata release whose workflow definition the run started on. */
  release: number;
  object: string;
  recordId: string | null;
  event: RunEvent;
  /** Fields the triggering change changed. */
  changed: string[];
  /** Whose change triggered the run; its actions run with their permissions. */
  userId: string | null;
  /** 0 for a person's change, n for a change made by a run of depth n − 1. */
  depth: number;
  status: RunStatus;
  attempts: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RecordTrigger {
  on: 'create' | 'update' | 'createOrUpdate' | 'delete';
  fields?: string[];
  changedTo?: Record<string, unknown>;
}

/** A record change, a person with a button, a cron schedule, or a time relative to a date field. */
export type WorkflowTrigger =
  | RecordTrigger
  | { manual: true }
  | { schedule: string; timezone?: string; filter?: unknown }
  | { relativeTo: string; offset: string; filter?: unknown }
  | { inbound: true; user: string; upsertOn?: string };

export interface WorkflowAction {
  type: string;
  object?: string;
  values?: Record<string, unknown>;
}

/** A workflow as metadata stores it (workflow.schema.json). */
export interface Workflow {
  id?: string;
  apiName: string;
  label: Label;
  object: string;
  active?: boolean;
  trigger: WorkflowTrigger;
  condition?: unknown;
  actions: WorkflowAction[];
  runAs?: 'triggeringUser' | 'system';
}

/** One attempt of one action of a run. */
export interface RunStep {
  /** The action's index in the definition, from 0. */
  step: number;
  action: string;
  attempt: number;
  status: 'succeeded' | 'failed' | 'replayed';
  input: unknown;
  output: unknown;
  error: string | null;
  startedAt: string;
  durationMs: number;
}

export interface RunDetail extends RunSummary {
  /** The record after the change, and before it (updates and deletes). */
  record: Record<string, unknown> | null;
  oldRecord: Record<string, unknown> | null;
  /** The workflow as it was when the run started. */
  definition: Workflow;
  /** Every attempt of every action, in the order they ran. */
  steps: RunStep[];
}

export interface RunFilter {
  workflow?: string;
  status?: RunStatus;
  record?: string;
}

export const listRuns = (filter: RunFilter & { limit: number; before?: string }, signal?: AbortSignal) =>
  requestJson<{ runs: RunSummary[] }>('/automation/runs' + query({ ...filter }), { signal });

export const fetchRun = (id: string, signal?: AbortSignal) =>
  requestJson<RunDetail>(`/automation/runs/${encodeURIComponent(id)}`, { signal });

/** Queues a failed run again from its first unfinished action; 409 unless the run failed. */
export const retryRun = (id: string) =>
  requestJson<RunSummary>(`/automation/runs/${encodeURIComponent(id)}/retry`, { method: 'POST' });

/** The draft's workflows (those not published yet too): names and labels for the runs filter. */
export const listWorkflows = () => requestJson<{ data: Workflow[] }>('/meta/workflows');

/** Records one manual start may name (the engine answers 422 beyond). */
export const MANUAL_RUN_MAX = 200;

/** What a manual start did: a queued run per record, and the records it skipped with the engine's reason. */
export interface ManualRunResult {
  runs: { recordId: string; runId: string }[];
  skipped: { recordId: string; reason: string }[];
}

/**
 * Starts a manual workflow for 1 to MANUAL_RUN_MAX records; the runs happen in the background, as
 * the caller. A record the caller cannot see makes the whole request a 404 (nothing starts). No
 * Idempotency-Key: the engine does not take one here, so a lost answer must not be sent again.
 */
export const runManualWorkflow = (apiName: string, records: string[]) =>
  requestJson<ManualRunResult>(`/automation/workflows/${encodeURIComponent(apiName)}/run`, {
    method: 'POST',
    body: { records },
  });
