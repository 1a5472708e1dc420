import { useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import type { FieldMeta, ListViewMeta, ObjectMeta } from '../api/metadata.api';
import { listRecords, type RecordData, type RecordPage } from '../api/records.api';
import { FIELD_UI } from '../fields/field-ui';
import { plainText } from '../fields/format';
import { combineFilters } from '../list/filter-model';

/**
 * Each kanban column is its own list request (filter: the column's value), read page by page
 * with the engine's keyset cursors, so a column shows any number of cards however the others
 * fill up; its count and total come from the aggregate API, not from the cards loaded.
 */

/** The fields a board can group by: single-choice lists, stage paths first. */
export function boardPicklists(object: ObjectMeta | undefined): FieldMeta[] {
  const fields = object?.fields.filter((f) => FIELD_UI[f.type].choice === 'one') ?? [];
  return [...fields].sort((a, b) => Number(!!b.isStage) - Number(!!a.isStage));
}

/**
 * The board view asked for by name (?view=), if it is one. Only when asked: a board an admin adds
 * must not change the plain board every user already knows.
 */
export function boardView(views: ListViewMeta[], name: string | null): ListViewMeta | undefined {
  return views.find((v) => v.kanban && v.apiName === name);
}

/** The column of records without a value. */
export const NONE = '__none';
/** Cards a column loads at a time. */
export const COLUMN_PAGE = 50;

export interface ColumnQuery {
  object: string;
  /** The picklist the board groups by. */
  by: string;
  fields: string;
  sort: string | undefined;
  /** The board view's own filter, applying to every column. */
  filter?: unknown;
}

export const columnKey = (q: ColumnQuery, column: string) =>
  ['records', q.object, 'kanban', q.by, q.fields, q.sort, q.filter, column] as const;

export const columnFilter = (by: string, column: string) =>
  column === NONE ? { [by]: { isNull: true } } : { [by]: column };

export const columnOf = (record: RecordData, by: string): string =>
  record[by] === null || record[by] === undefined || record[by] === '' ? NONE : plainText(record[by]);

export function useKanbanColumn(q: ColumnQuery, column: string) {
  return useInfiniteQuery({
    queryKey: columnKey(q, column),
    queryFn: ({ pageParam, signal }) =>
      listRecords(
        q.object,
        {
          fields: q.fields,
          sort: q.sort,
          filter: combineFilters(q.filter, columnFilter(q.by, column)),
          limit: COLUMN_PAGE,
          cursor: pageParam,
        },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** A column's cards in page order, each once: a card dropped into the column may come again on a page loaded later. */
export function cardsOf(data: InfiniteData<RecordPage> | undefined): RecordData[] {
  const seen = new Set<string>();
  const cards: RecordData[] = [];
  for (const page of data?.pages ?? []) {
    for (const record of page.data) {
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      cards.push(record);
    }
  }
  return cards;
}

/** The pages of a column without one card. */
export function withoutCard(
  data: InfiniteData<RecordPage> | undefined,
  id: string,
): InfiniteData<RecordPage> | undefined {
  return data && { ...data, pages: data.pages.map((p) => ({ ...p, data: p.data.filter((r) => r.id !== id) })) };
}

/** The pages of a column with a card on top of its first page (where a dropped card shows). */
export function withCardOnTop(
  data: InfiniteData<RecordPage> | undefined,
  record: RecordData,
): InfiniteData<RecordPage> | undefined {
  if (!data || data.pages.length === 0) return data;
  const [first, ...rest] = data.pages;
  return { ...data, pages: [{ ...first!, data: [record, ...first!.data.filter((r) => r.id !== record.id)] }, ...rest] };
}

/** The pages of a column with one card changed in place (its new version after a save). */
export function withCard(
  data: InfiniteData<RecordPage> | undefined,
  id: string,
  change: Partial<RecordData>,
): InfiniteData<RecordPage> | undefined {
  return (
    data && {
      ...data,
      pages: data.pages.map((p) => ({ ...p, data: p.data.map((r) => (r.id === id ? { ...r, ...change } : r)) })),
    }
  );
}
