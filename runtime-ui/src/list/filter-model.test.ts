import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../api/metadata.api';
import {
  combineFilters,
  countConditions,
  emptyGroup,
  newCondition,
  parseSort,
  toApiFilter,
  updateNode,
  type FilterGroup,
} from './filter-model';

const amount = {
  apiName: 'amount',
  type: 'currency',
  operators: ['eq', 'gt', 'gte', 'between', 'isNull'],
} as FieldMeta;
const notes = { apiName: 'notes', type: 'textarea', operators: ['contains', 'startsWith', 'isNull'] } as FieldMeta;

describe('filter builder model', () => {
  it('turns a tree of and/or groups into the API filter language, leaving out unfinished rows', () => {
    const root: FilterGroup = {
      ...emptyGroup('and'),
      children: [
        { kind: 'condition', id: 'a', field: 'amount', operator: 'gte', value: 1000 },
        { kind: 'condition', id: 'b', field: 'name', operator: 'contains', value: '' },
        {
          ...emptyGroup('or'),
          children: [
            { kind: 'condition', id: 'c', field: 'stage', operator: 'in', value: ['won', 'lost'] },
            {
              kind: 'condition',
              id: 'd',
              field: 'close_date',
              operator: 'between',
              value: ['2026-01-01', '2026-03-31'],
            },
          ],
        },
      ],
    };
    expect(toApiFilter(root)).toEqual({
      and: [
        { amount: { gte: 1000 } },
        { or: [{ stage: { in: ['won', 'lost'] } }, { close_date: { between: ['2026-01-01', '2026-03-31'] } }] },
      ],
    });
    expect(countConditions(root)).toBe(3);
  });

  it('sends a lone condition without a wrapper, and nothing for an empty tree', () => {
    expect(toApiFilter(emptyGroup())).toBeUndefined();
    const one = {
      ...emptyGroup('or'),
      children: [{ kind: 'condition' as const, id: 'x', field: 'amount', operator: 'isNull' as const, value: false }],
    };
    expect(toApiFilter(one)).toEqual({ amount: { isNull: false } });
  });

  it('starts a condition with an operator the field accepts', () => {
    expect(newCondition(amount).operator).toBe('eq');
    expect(newCondition(notes).operator).toBe('contains');
  });

  it('combines the view filter with the user filter', () => {
    expect(combineFilters(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(combineFilters({ a: 1 }, { b: 2 })).toEqual({ and: [{ a: 1 }, { b: 2 }] });
    expect(combineFilters(undefined, {})).toBeUndefined();
  });

  it('edits and removes nodes by id without touching the others', () => {
    const root: FilterGroup = {
      ...emptyGroup(),
      children: [
        { kind: 'condition', id: 'a', field: 'amount', operator: 'eq', value: 1 },
        { kind: 'condition', id: 'b', field: 'amount', operator: 'eq', value: 2 },
      ],
    };
    const changed = updateNode(root, 'a', (n) => ({ ...n, value: 5 }) as typeof n);
    expect(toApiFilter(changed)).toEqual({ and: [{ amount: { eq: 5 } }, { amount: { eq: 2 } }] });
    expect(toApiFilter(updateNode(root, 'b', () => null))).toEqual({ amount: { eq: 1 } });
  });

  it('reads sort strings', () => {
    expect(parseSort('-amount,name')).toEqual([
      { field: 'amount', desc: true },
      { field: 'name', desc: false },
    ]);
  });
});
