/**
 * When a failed webhook delivery is tried again: exponential backoff with full jitter, so endpoints
 * that failed together (one receiver's outage) do not come back in lockstep.
 *
 * After attempt n fails, the next waits a random time in [0, min(1 h, 5 s · 2^(n−1))): ceilings of
 * 5 s, 10 s, 20 s, 40 s, 80 s, 160 s, 320 s, 640 s, 1280 s, 2560 s, then 1 h. Over the
 * MAX_WEBHOOK_ATTEMPTS attempts that is at most about 2 h 25 min of waiting, half that on average:
 * enough to ride out a receiver's deploy or short outage. A receiver's Retry-After is honoured when
 * it asks for longer, up to 24 h.
 */

/** Attempts per message, the first included; after the last the delivery is failed for good. */
export const MAX_WEBHOOK_ATTEMPTS = 12;

const BASE_MS = 5_000;
const MAX_BACKOFF_MS = 60 * 60 * 1000;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** How long to wait after attempt `attempt` (1 for the first) failed; `random` is injectable for tests. */
export function retryDelayMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_MS * 2 ** (Math.max(1, attempt) - 1));
  const backoff = Math.floor(random() * ceiling);
  return Math.max(backoff, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`, capped at 24 h. */
export function parseRetryAfter(header: string | undefined, now: Date): number | undefined {
  const value = header?.trim() ?? '';
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  // Every HTTP-date form starts with the day's name; Date.parse alone reads "-5" as a year.
  else if (/^[A-Za-z]{3}/.test(value)) ms = Date.parse(value) - now.getTime();
  else return undefined;
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
