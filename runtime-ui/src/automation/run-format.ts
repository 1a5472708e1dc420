import dayjs from 'dayjs';
import type { RunDetail, RunStatus, RunStep, RunSummary } from '../api/automation.api';

/** How the runs page shows a run's state, timing and change: pure, so it is tested without a browser. */

/**
 * Each status's tag colours (the compiler keeps the table complete). Ant Design's preset status
 * tags put green or red text on a pale fill below the WCAG AA contrast of 4.5:1; the darker
 * shades of the same palettes (text) pass.
 */
export const STATUS_COLORS: Record<RunStatus, { text: string; background: string; border: string }> = {
  queued: { text: '#434343', background: '#fafafa', border: '#d9d9d9' },
  running: { text: '#003eb3', background: '#e6f4ff', border: '#91caff' },
  waiting: { text: '#391085', background: '#f9f0ff', border: '#d3adf7' },
  retrying: { text: '#ad4e00', background: '#fff7e6', border: '#ffd591' },
  succeeded: { text: '#237804', background: '#f6ffed', border: '#b7eb8f' },
  failed: { text: '#a8071a', background: '#fff1f0', border: '#ffa39e' },
};

/** A run that has not finished yet: the page refreshes itself while it shows one. */
export const inProgress = (status: RunStatus) =>
  status === 'queued' || status === 'running' || status === 'waiting' || status === 'retrying';

/** Milliseconds from a run's first start to its end; undefined while it has not finished. */
export function runDuration(run: Pick<RunSummary, 'startedAt' | 'finishedAt'>): number | undefined {
  if (!run.startedAt || !run.finishedAt) return undefined;
  return Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt));
}

/** When a run or step happened, to the second (runs come seconds apart). */
export const runTime = (iso: string) => dayjs(iso).format('L LTS');

/** 45 ms, 1.2 s, 3.5 min, 2.1 h: in the UI's language (Intl's units). */
export function formatDuration(ms: number, lng: string): string {
  const unit = (value: number, name: string, digits: number) =>
    new Intl.NumberFormat(lng, {
      style: 'unit',
      unit: name,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    }).format(value);
  if (ms < 1000) return unit(Math.round(ms), 'millisecond', 0);
  if (ms < 60_000) return unit(ms / 1000, 'second', 1);
  if (ms < 3_600_000) return unit(ms / 60_000, 'minute', 1);
  return unit(ms / 3_600_000, 'hour', 1);
}

/** One field the triggering change changed: its value before and after. */
export interface FieldChange {
  field: string;
  /** Absent for a create (there was no record before). */
  before?: unknown;
  after?: unknown;
}

/** The changed fields of the triggering change, with their values from the run's snapshots. */
export function triggerChanges(run: Pick<RunDetail, 'changed' | 'record' | 'oldRecord'>): FieldChange[] {
  return run.changed.map((field) => ({
    field,
    ...(run.oldRecord ? { before: run.oldRecord[field] ?? null } : {}),
    ...(run.record ? { after: run.record[field] ?? null } : {}),
  }));
}

/** One action of the workflow and every attempt of it, in the order they ran. */
export interface ActionAttempts {
  step: number;
  action: string;
  attempts: RunStep[];
}

/**
 * The actions of the run's definition, each with its attempts: an action after a failed one has
 * none (the run stopped there). A retried run goes on from the first unfinished action, so
 * grouping by action keeps the order in which the attempts ran.
 */
export function attemptsByAction(run: Pick<RunDetail, 'definition' | 'steps'>): ActionAttempts[] {
  const actions: ActionAttempts[] = run.definition.actions.map((a, step) => ({ step, action: a.type, attempts: [] }));
  for (const s of run.steps) {
    const entry = (actions[s.step] ??= { step: s.step, action: s.action, attempts: [] });
    entry.attempts.push(s);
  }
  for (const a of actions) a.attempts.sort((x, y) => x.attempt - y.attempt);
  return actions;
}

/** Pretty JSON for a code block; `undefined` (no value at all) as nothing. */
export const prettyJson = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));
