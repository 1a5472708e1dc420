import type { ReleaseSummary } from '../api/studio.api';

const ORDER = ['added', 'changed', 'renamed', 'removed'] as const;

/** A release's diff in one line, "2 added · 1 changed", with the words the caller's language gives. */
export function summaryLine(
  summary: ReleaseSummary['summary'],
  word: (change: (typeof ORDER)[number]) => string,
): string {
  return ORDER.filter((c) => summary[c])
    .map((c) => `${summary[c]} ${word(c)}`)
    .join(' · ');
}
