import { ApiError } from '@tessera/runtime-ui/api/api-error';
import { describe, expect, it } from 'vitest';
import { savable, verdictFromPlan, verdictFromRefusal } from './type-verdict';

const step = (column: string, extra: object = {}) => ({
  op: 'alterColumnType',
  table: 'vehicle',
  column,
  description: `change vehicle.${column}`,
  lossy: false,
  ...extra,
});
const plan = (...steps: ReturnType<typeof step>[]) => ({ release: null, dryRun: true, diff: [], plan: steps });

describe('the planner verdict on one field', () => {
  it('is safe when its steps lose nothing, ignoring other fields', () => {
    const v = verdictFromPlan(plan(step('seats'), step('other', { lossy: true, rows: 3 })), 'vehicle', 'seats');
    expect(v).toMatchObject({ verdict: 'safe', steps: [{ column: 'seats' }] });
  });

  it('is lossy with the rows affected, counting composite columns', () => {
    const v = verdictFromPlan(plan(step('price__currency', { lossy: true, rows: 4 })), 'vehicle', 'price');
    expect(v).toMatchObject({ verdict: 'lossy', rows: 4 });
  });

  it('is blocked by a blocked step or a refused type change naming the field', () => {
    expect(verdictFromPlan(plan(step('seats', { blocked: 'values do not fit' })), 'vehicle', 'seats')).toMatchObject({
      verdict: 'blocked',
      reason: 'values do not fit',
    });
    const refusal = new ApiError(422, 'Validation failed', 'cannot change', [
      { field: 'vehicle.seats', code: 'typeChange', message: 'cannot change from jsonb to integer' },
    ]);
    expect(verdictFromRefusal(refusal, 'vehicle', 'seats')).toEqual({
      verdict: 'blocked',
      steps: [],
      reason: 'cannot change from jsonb to integer',
    });
  });

  it('fails, saying why, when the dry run is refused for something else', () => {
    const refusal = new ApiError(422, 'Validation failed', 'the draft metadata is not valid', [
      { field: '/objects/0/nameField', code: 'reference', message: 'no such field' },
    ]);
    expect(verdictFromRefusal(refusal, 'vehicle', 'seats')).toMatchObject({ verdict: 'failed' });
  });

  it("follows a rename: the steps carry the field's new API name", () => {
    const renamed = {
      ...step('seat_count'),
      op: 'renameColumn',
      description: 'rename column vehicle.seats to seat_count',
    };
    expect(verdictFromPlan(plan(renamed), 'vehicle', 'seat_count')).toMatchObject({
      verdict: 'safe',
      steps: [{ op: 'renameColumn' }],
    });
  });

  it('lets Save write a safe change, a lossy one once confirmed, and a blocked one never', () => {
    const safe = verdictFromPlan(plan(step('seats')), 'vehicle', 'seats');
    const lossy = verdictFromPlan(plan(step('seats', { lossy: true, rows: 2 })), 'vehicle', 'seats');
    const blocked = verdictFromPlan(plan(step('seats', { blocked: 'duplicates' })), 'vehicle', 'seats');
    expect([savable(safe, false), savable(lossy, false), savable(lossy, true)]).toEqual([true, false, true]);
    expect([savable(blocked, false), savable(blocked, true)]).toEqual([false, false]);
    expect(savable({ verdict: 'failed', reason: 'the draft is invalid elsewhere' }, false)).toBe(true);
  });
});
