import { ApiError } from '@tessera/runtime-ui/api/api-error';
import { describe, expect, it } from 'vitest';
import { verdictFromPlan, verdictFromRefusal } from './type-verdict';

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
    expect(verdictFromPlan(plan(step('seats', { blocked: 'values do not fit' })), 'vehicle', 'seats')).toEqual({
      verdict: 'blocked',
      reason: 'values do not fit',
    });
    const refusal = new ApiError(422, 'Validation failed', 'cannot change', [
      { field: 'vehicle.seats', code: 'typeChange', message: 'cannot change from jsonb to integer' },
    ]);
    expect(verdictFromRefusal(refusal, 'vehicle', 'seats')).toEqual({
      verdict: 'blocked',
      reason: 'cannot change from jsonb to integer',
    });
  });

  it('fails, saying why, when the dry run is refused for something else', () => {
    const refusal = new ApiError(422, 'Validation failed', 'the draft metadata is not valid', [
      { field: '/objects/0/nameField', code: 'reference', message: 'no such field' },
    ]);
    expect(verdictFromRefusal(refusal, 'vehicle', 'seats')).toMatchObject({ verdict: 'failed' });
  });
});
