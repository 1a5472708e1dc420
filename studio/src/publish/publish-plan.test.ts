import { ApiError } from '@tessera/runtime-ui/api/api-error';
import { describe, expect, it } from 'vitest';
import { previewOf, previewOfRefusal } from './publish-plan';

const change = { kind: 'field', id: 'fld_1', apiName: 'seats', object: 'vehicle', change: 'added' as const };
const step = (extra: object = {}) => ({
  op: 'addColumn',
  table: 'vehicle',
  description: 'add',
  lossy: false,
  ...extra,
});

describe('the publish preview', () => {
  it('is nothing without changes, ready with safe ones', () => {
    expect(previewOf({ diff: [], plan: [] }).state).toBe('nothing');
    expect(previewOf({ diff: [change], plan: [step()] }).state).toBe('ready');
  });

  it('asks to confirm lossy steps, summing their rows', () => {
    const p = previewOf({ diff: [change], plan: [step({ lossy: true, rows: 2 }), step({ lossy: true, rows: 3 })] });
    expect(p).toMatchObject({ state: 'confirm', lossyRows: 5 });
  });

  it('is blocked by a blocked step, also from a refused dry run', () => {
    expect(previewOf({ diff: [], plan: [step({ blocked: 'no' })] }).state).toBe('blocked');
    const refusal = new ApiError(409, 'Conflict', 'the data does not allow this change yet', [], {
      plan: [step({ blocked: 'values too long' })],
      confirmable: false,
    });
    expect(previewOfRefusal(refusal)).toMatchObject({ state: 'blocked', plan: [{ blocked: 'values too long' }] });
    expect(previewOfRefusal(new ApiError(422, 'Validation failed', 'bad'))).toBeUndefined();
  });
});
