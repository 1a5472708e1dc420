import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { RecordPage } from '../api/records.api';
import {
  boardView,
  cardsOf,
  columnFilter,
  columnOf,
  NONE,
  withCard,
  withCardOnTop,
  withoutCard,
} from './kanban-columns';

const card = (id: string, stage: string | null = 'won', version = 1) => ({ id, version, stage });
const pages = (...data: ReturnType<typeof card>[][]): InfiniteData<RecordPage> => ({
  pages: data.map((d, i) => ({ data: d, nextCursor: i < data.length - 1 ? `c${i}` : null })),
  pageParams: data.map((_, i) => (i ? `c${i - 1}` : null)),
});

describe('kanban columns', () => {
  it('ask for their own records: the value, or no value for the last column', () => {
    expect(columnFilter('stage', 'won')).toEqual({ stage: 'won' });
    expect(columnFilter('stage', NONE)).toEqual({ stage: { isNull: true } });
    expect(columnOf(card('a', null), 'stage')).toBe(NONE);
    expect(columnOf(card('a', 'lost'), 'stage')).toBe('lost');
  });

  it('show each card once, in page order, also when a dropped card comes again on a later page', () => {
    const column = withCardOnTop(pages([card('a'), card('b')], [card('c')]), card('x'));
    expect(cardsOf(column).map((c) => c.id)).toEqual(['x', 'a', 'b', 'c']);
    const later = { ...column!, pages: [...column!.pages, { data: [card('x'), card('d')], nextCursor: null }] };
    expect(cardsOf(later).map((c) => c.id)).toEqual(['x', 'a', 'b', 'c', 'd']);
  });

  it('move a card out of one column and change it in place, leaving the others', () => {
    const column = pages([card('a'), card('b')], [card('c')]);
    expect(cardsOf(withoutCard(column, 'b')).map((c) => c.id)).toEqual(['a', 'c']);
    expect(cardsOf(withCard(column, 'c', { version: 5 })).find((c) => c.id === 'c')!.version).toBe(5);
    expect(withCardOnTop(undefined, card('x'))).toBeUndefined();
  });
});

describe('board views', () => {
  const view = (apiName: string, kanban?: { groupBy: string }) => ({
    id: apiName,
    apiName,
    object: 'opportunity',
    label: apiName,
    columns: ['name'],
    ...(kanban ? { kanban } : {}),
  });
  it('takes the board asked for, never a plain list, and none unless asked', () => {
    const views = [view('all'), view('by_type', { groupBy: 'type' }), view('by_stage', { groupBy: 'stage' })];
    expect(boardView(views, 'by_stage')?.apiName).toBe('by_stage');
    expect(boardView(views, 'all')).toBeUndefined();
    expect(boardView(views, null)).toBeUndefined();
  });
});
