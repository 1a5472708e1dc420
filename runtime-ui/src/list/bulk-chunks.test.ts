import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import type { BulkRowResult } from '../api/records.api';
import { inChunks } from './bulk-chunks';

/** A bulk endpoint's answer for a chunk: rows whose item is odd are refused. */
const answer = (chunk: number[]): { results: BulkRowResult[] } => ({
  results: chunk.map((n, index) =>
    n % 2
      ? { index, ok: false, errors: [{ field: 'amount', code: 'validationRule', message: 'too odd' }] }
      : { index, ok: true, id: String(n) },
  ),
});

describe('bulk requests in chunks', () => {
  it('sends one request per chunk, in order, and reports progress and every refused row with its reason', async () => {
    const sent: number[][] = [];
    const progress: [number, number][] = [];
    const items = Array.from({ length: 5 }, (_, i) => i);
    const outcome = await inChunks(
      items,
      (chunk) => {
        sent.push(chunk);
        return Promise.resolve(answer(chunk));
      },
      (done, total) => progress.push([done, total]),
      2,
    );
    expect(sent).toEqual([[0, 1], [2, 3], [4]]);
    expect(progress).toEqual([
      [0, 5],
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(outcome).toEqual({
      ok: 3,
      failed: [
        { item: 1, message: 'amount: too odd' },
        { item: 3, message: 'amount: too odd' },
      ],
    });
  });

  it('sends a chunk whose answer was lost once more, with the same Idempotency-Key', async () => {
    const keys: string[] = [];
    let lost = false;
    const outcome = await inChunks([2, 4], (chunk, key) => {
      keys.push(key);
      if (!lost) {
        lost = true;
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      return Promise.resolve(answer(chunk));
    });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(outcome).toEqual({ ok: 2, failed: [] });
  });

  it('stops at a request refused as a whole: that chunk and the rest are failed with its message', async () => {
    let calls = 0;
    const outcome = await inChunks(
      [0, 2, 4, 6],
      (chunk) => {
        if (++calls === 2) return Promise.reject(new ApiError(403, 'Forbidden', 'you may not edit stage records'));
        return Promise.resolve(answer(chunk));
      },
      undefined,
      2,
    );
    expect(calls).toBe(2);
    expect(outcome.ok).toBe(2);
    expect(outcome.failed).toEqual([
      { item: 4, message: 'you may not edit stage records' },
      { item: 6, message: 'you may not edit stage records' },
    ]);
  });
});
