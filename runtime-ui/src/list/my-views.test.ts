import { describe, expect, it } from 'vitest';
import type { SavedView } from '../api/views.api';
import { toApiFilter } from './filter-model';
import { fromApiFilter, isMyViewKey, toMyView } from './my-views';

describe('private views: the saved API filter back into the filter builder', () => {
  it('reads back everything the builder writes', () => {
    for (const filter of [
      { amount: { gte: 1000 } },
      {
        and: [
          { amount: { gte: 1000 } },
          { or: [{ stage: { in: ['won', 'lost'] } }, { close_date: { between: ['2026-01-01', '2026-03-31'] } }] },
        ],
      },
      { or: [{ close_date: { eq: 'this_quarter' } }, { name: { isNull: true } }] },
    ]) {
      expect(toApiFilter(fromApiFilter(filter)!)).toEqual(filter);
    }
  });

  it('reads the shorthands the API takes: several fields, several operators, a bare value', () => {
    const tree = fromApiFilter({ stage: 'won', amount: { gte: 1, lte: 9 } })!;
    expect(tree.op).toBe('and');
    expect(tree.children.map((c) => (c.kind === 'condition' ? [c.field, c.operator, c.value] : c.kind))).toEqual([
      ['stage', 'eq', 'won'],
      ['amount', 'gte', 1],
      ['amount', 'lte', 9],
    ]);
  });

  it('gives up on what the builder cannot show, so the view applies it as it is', () => {
    for (const filter of [
      { not: { stage: 'won' } },
      { and: [{ stage: 'won' }, { not: { amount: 1 } }] },
      { amount: { like: 1 } },
      { amount: {} },
      {},
      [],
      'x',
      { or: [] },
    ]) {
      expect(fromApiFilter(filter)).toBeUndefined();
    }
    const view: SavedView = {
      id: 'a',
      object: 'deal',
      label: 'Not won',
      columns: ['name'],
      filter: { not: { stage: 'won' } },
      createdAt: '',
      updatedAt: '',
      dropped: [],
    };
    const mine = toMyView(view);
    expect(mine.baseFilter).toEqual({ not: { stage: 'won' } });
    expect(mine.filter.children).toEqual([]);
    expect(toMyView({ ...view, filter: { stage: 'won' } }).baseFilter).toBeUndefined();
  });

  it('names private views in the URL apart from shared views', () => {
    const id = '0190f5a2-3c4d-7e8f-9a0b-1c2d3e4f5a6b';
    expect(
      toMyView({ id, object: 'deal', label: 'x', columns: [], createdAt: '', updatedAt: '', dropped: [] }).key,
    ).toBe(`my_${id}`);
    expect(isMyViewKey(`my_${id}`)).toBe(true);
    expect(isMyViewKey('opportunity_open')).toBe(false);
    expect(isMyViewKey('my_team_deals')).toBe(false);
    expect(isMyViewKey(null)).toBe(false);
  });
});
