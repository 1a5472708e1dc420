import { ApiError } from '../api/api-error';
import { MANUAL_RUN_MAX, type ManualRunResult } from '../api/automation.api';
import { listRecords } from '../api/records.api';

/**
 * Starting manual workflows from the record page and from selected list rows: the requests in
 * chunks, the skipped records grouped by reason, and the wait for the runs' changes to show.
 */

/** A record a manual start left alone, and why. */
export interface NotStarted {
  recordId: string;
  reason: string;
}

export interface ManualOutcome {
  runs: ManualRunResult['runs'];
  skipped: NotStarted[];
}

/**
 * Starts a manual workflow for the ids, MANUAL_RUN_MAX a request, one request after another. A
 * request refused as a whole (a record deleted or hidden meanwhile answers 404 and starts nothing;
 * a session that ended) stops there: its records and those not sent yet count as skipped, with
 * the refusal's message as the reason. Nothing is sent twice, not even after a network error: the
 * engine takes no Idempotency-Key here, and a lost answer may have started the runs.
 */
export async function startInChunks(
  ids: string[],
  send: (chunk: string[]) => Promise<ManualRunResult>,
  onProgress: (done: number, total: number) => void = () => {},
  size = MANUAL_RUN_MAX,
): Promise<ManualOutcome> {
  const outcome: ManualOutcome = { runs: [], skipped: [] };
  onProgress(0, ids.length);
  for (let start = 0; start < ids.length; start += size) {
    const chunk = ids.slice(start, start + size);
    try {
      const answer = await send(chunk);
      outcome.runs.push(...answer.runs);
      outcome.skipped.push(...answer.skipped);
    } catch (e) {
      const reason = e instanceof ApiError ? e.display : String((e as Error)?.message ?? e);
      for (const recordId of ids.slice(start)) outcome.skipped.push({ recordId, reason });
      onProgress(ids.length, ids.length);
      return outcome;
    }
    onProgress(Math.min(start + size, ids.length), ids.length);
  }
  return outcome;
}

/** The skipped records by reason, the most frequent reason first (first seen first among equals). */
export function groupByReason(skipped: NotStarted[]): { reason: string; recordIds: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const s of skipped) {
    const ids = groups.get(s.reason);
    if (ids) ids.push(s.recordId);
    else groups.set(s.reason, [s.recordId]);
  }
  return [...groups]
    .map(([reason, recordIds]) => ({ reason, recordIds }))
    .sort((a, b) => b.recordIds.length - a.recordIds.length);
}

/**
 * The engine's skip reasons the UI has its own words for, by their i18n key: the engine sends
 * them in English only. Any other reason is shown as the engine wrote it.
 */
const SKIP_REASONS: Readonly<Record<string, string>> = {
  'the condition does not hold': 'manual.reasons.condition',
};
export const skipReasonKey = (reason: string): string | undefined => SKIP_REASONS[reason];

/** How long the page waits for a run's change to show, and how often it looks. */
export const WATCH = { timeoutMs: 5_000, intervalMs: 500 };

/**
 * Asks `done` every `intervalMs` until it says yes (true) or `timeoutMs` have passed (false). A
 * question that fails (the network) counts as a no.
 */
export async function pollUntil(
  done: () => Promise<boolean>,
  {
    timeoutMs = WATCH.timeoutMs,
    intervalMs = WATCH.intervalMs,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    now = Date.now,
  } = {},
): Promise<boolean> {
  const deadline = now() + timeoutMs;
  for (;;) {
    await sleep(intervalMs);
    if (await done().catch(() => false)) return true;
    if (now() >= deadline) return false;
  }
}

/** True when every record has moved past the version it had (or is gone: deleted by the run). */
export function allChanged(before: ReadonlyMap<string, number>, now: { id: string; version: number }[]): boolean {
  const versions = new Map(now.map((r) => [r.id, r.version]));
  return [...before].every(([id, version]) => versions.get(id) !== version);
}

/** Records whose versions the list page watches after a bulk start: one small read each time. */
export const WATCHED_RECORDS = 50;

/**
 * Waits until the runs have changed the records (their versions move on), or WATCH.timeoutMs have
 * passed: a workflow may change nothing on the record (an e-mail, a webhook), so the wait ends
 * either way. Returns whether they changed. `nameField` keeps each read small (system fields,
 * the version among them, always come).
 */
export function waitForChanges(
  object: string,
  nameField: string,
  before: ReadonlyMap<string, number>,
): Promise<boolean> {
  const ids = [...before.keys()];
  if (!ids.length) return Promise.resolve(false);
  return pollUntil(async () => {
    const page = await listRecords(object, { filter: { id: { in: ids } }, fields: nameField, limit: ids.length });
    return allChanged(before, page.data);
  });
}
