import { describe, expect, it } from 'vitest';
import type { RunDetail, RunStep } from '../api/automation.api';
import { attemptsByAction, formatDuration, inProgress, runDuration, triggerChanges } from './run-format';

const step = (s: number, attempt: number, status: RunStep['status']): RunStep => ({
  step: s,
  action: 'updateRecord',
  attempt,
  status,
  input: {},
  output: null,
  error: status === 'failed' ? 'refused' : null,
  startedAt: '2026-12-06T10:00:00.000Z',
  durationMs: 5,
});
const definition = {
  apiName: 'w',
  label: 'W',
  object: 'opportunity',
  trigger: { on: 'update' as const },
  actions: [
    { type: 'updateRecord', values: { next_step: 'x' } },
    { type: 'updateRecord', values: { amount: -5 } },
    { type: 'createRecord', object: 'activity', values: { subject: 'y' } },
  ],
};

describe('run timing', () => {
  it('measures from the first start to the end, and not before the run has finished', () => {
    expect(runDuration({ startedAt: '2026-12-06T10:00:00.000Z', finishedAt: '2026-12-06T10:00:01.250Z' })).toBe(1250);
    expect(runDuration({ startedAt: '2026-12-06T10:00:00.000Z', finishedAt: null })).toBeUndefined();
    expect(runDuration({ startedAt: null, finishedAt: null })).toBeUndefined();
  });

  it('says a duration in the unit that reads best, in the UI language', () => {
    expect(formatDuration(36, 'en')).toBe('36 ms');
    expect(formatDuration(1250, 'en')).toBe('1.3 sec');
    expect(formatDuration(90_000, 'en')).toBe('1.5 min');
    expect(formatDuration(7_200_000, 'en')).toBe('2 hr');
    expect(formatDuration(36, 'zh-CN')).toMatch(/^36\s?毫秒$/);
  });

  it('counts queued, running, waiting and retrying runs as in progress', () => {
    expect(
      ['queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed'].map((s) => inProgress(s as never)),
    ).toEqual([true, true, true, true, false, false]);
  });
});

describe('what started a run', () => {
  it('pairs each changed field with its value before and after the change', () => {
    expect(
      triggerChanges({
        changed: ['stage', 'owner_id', 'probability'],
        oldRecord: { stage: 'proposal', owner_id: 'u1' },
        record: { stage: 'closed_won', owner_id: 'u2', probability: 100 },
      }),
    ).toEqual([
      { field: 'stage', before: 'proposal', after: 'closed_won' },
      { field: 'owner_id', before: 'u1', after: 'u2' },
      { field: 'probability', before: null, after: 100 },
    ]);
  });

  it('has no before for a create', () => {
    expect(triggerChanges({ changed: ['name'], oldRecord: null, record: { name: 'A' } })).toEqual([
      { field: 'name', after: 'A' },
    ]);
  });
});

describe('attempts of each action', () => {
  it('lists every action of the definition with its attempts in order, none for those not reached', () => {
    const run = {
      definition,
      steps: [step(0, 1, 'succeeded'), step(1, 1, 'failed'), step(1, 2, 'failed')],
    } as Pick<RunDetail, 'definition' | 'steps'>;
    expect(
      attemptsByAction(run).map((a) => [a.step, a.action, a.attempts.map((s) => `${s.attempt}:${s.status}`)]),
    ).toEqual([
      [0, 'updateRecord', ['1:succeeded']],
      [1, 'updateRecord', ['1:failed', '2:failed']],
      [2, 'createRecord', []],
    ]);
  });
});
