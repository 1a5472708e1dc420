import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import type { ManualRunResult } from '../api/automation.api';
import { allChanged, groupByReason, pollUntil, skipReasonKey, startInChunks } from './manual-runs';

/** The engine's answer for a chunk: ids ending in an odd digit are skipped, the others start. */
const answer = (chunk: string[]): ManualRunResult => ({
  runs: chunk.filter((id) => Number(id.at(-1)) % 2 === 0).map((recordId) => ({ recordId, runId: `run-${recordId}` })),
  skipped: chunk
    .filter((id) => Number(id.at(-1)) % 2 === 1)
    .map((recordId) => ({ recordId, reason: 'the condition does not hold' })),
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);

describe('starting a manual workflow for many records', () => {
  it('sends the ids in chunks, one request after another, and adds up the runs and the skipped records', async () => {
    const sent: string[][] = [];
    const progress: [number, number][] = [];
    const outcome = await startInChunks(
      ids(5),
      (chunk) => {
        sent.push(chunk);
        return Promise.resolve(answer(chunk));
      },
      (done, total) => progress.push([done, total]),
      2,
    );
    expect(sent).toEqual([['r0', 'r1'], ['r2', 'r3'], ['r4']]);
    expect(progress).toEqual([
      [0, 5],
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(outcome.runs.map((r) => r.recordId)).toEqual(['r0', 'r2', 'r4']);
    expect(outcome.skipped.map((s) => s.recordId)).toEqual(['r1', 'r3']);
  });

  it('takes 200 ids a request by default, what the engine allows', async () => {
    const sizes: number[] = [];
    await startInChunks(ids(450), (chunk) => {
      sizes.push(chunk.length);
      return Promise.resolve(answer(chunk));
    });
    expect(sizes).toEqual([200, 200, 50]);
  });

  it('stops at a request refused as a whole: its records and the rest are skipped with the refusal', async () => {
    let calls = 0;
    const outcome = await startInChunks(
      ids(5),
      (chunk) => {
        calls++;
        return chunk.includes('r2')
          ? Promise.reject(new ApiError(404, 'Not found', 'no opportunity r2'))
          : Promise.resolve(answer(chunk));
      },
      undefined,
      2,
    );
    expect(calls).toBe(2);
    expect(outcome.runs.map((r) => r.recordId)).toEqual(['r0']);
    expect(outcome.skipped).toEqual([
      { recordId: 'r1', reason: 'the condition does not hold' },
      { recordId: 'r2', reason: 'no opportunity r2' },
      { recordId: 'r3', reason: 'no opportunity r2' },
      { recordId: 'r4', reason: 'no opportunity r2' },
    ]);
  });

  it('never sends a chunk twice, not even after a network error (the runs may have started)', async () => {
    let calls = 0;
    const outcome = await startInChunks(['a'], () => {
      calls++;
      return Promise.reject(new TypeError('Failed to fetch'));
    });
    expect(calls).toBe(1);
    expect(outcome).toEqual({ runs: [], skipped: [{ recordId: 'a', reason: 'Failed to fetch' }] });
  });
});

describe('the skipped records', () => {
  it('are grouped by reason, the most frequent first', () => {
    expect(
      groupByReason([
        { recordId: 'a', reason: 'x' },
        { recordId: 'b', reason: 'y' },
        { recordId: 'c', reason: 'y' },
        { recordId: 'd', reason: 'z' },
      ]),
    ).toEqual([
      { reason: 'y', recordIds: ['b', 'c'] },
      { reason: 'x', recordIds: ['a'] },
      { reason: 'z', recordIds: ['d'] },
    ]);
    expect(groupByReason([])).toEqual([]);
  });

  it('have the engine’s known reason in the UI’s words, any other as the engine wrote it', () => {
    expect(skipReasonKey('the condition does not hold')).toBe('manual.reasons.condition');
    expect(skipReasonKey('something new')).toBeUndefined();
  });
});

describe('waiting for the runs’ changes', () => {
  /** A clock that moves only when the poller sleeps. */
  const fakeClock = () => {
    let time = 0;
    return { now: () => time, sleep: (ms: number) => Promise.resolve(void (time += ms)) };
  };

  it('asks until the answer is yes', async () => {
    const clock = fakeClock();
    let asked = 0;
    expect(await pollUntil(() => Promise.resolve(++asked === 3), clock)).toBe(true);
    expect([asked, clock.now()]).toEqual([3, 1500]);
  });

  it('gives up after the timeout, and counts a failed question as a no', async () => {
    const clock = fakeClock();
    let asked = 0;
    const done = () => (++asked % 2 ? Promise.reject(new Error('offline')) : Promise.resolve(false));
    expect(await pollUntil(done, { ...clock, timeoutMs: 5000, intervalMs: 500 })).toBe(false);
    expect([asked, clock.now()]).toEqual([10, 5000]);
  });

  it('sees a record as changed when its version moved on or it is gone', () => {
    const before = new Map([
      ['a', 1],
      ['b', 4],
    ]);
    expect(allChanged(before, [{ id: 'a', version: 2 }])).toBe(true);
    expect(
      allChanged(before, [
        { id: 'a', version: 2 },
        { id: 'b', version: 4 },
      ]),
    ).toBe(false);
  });
});
