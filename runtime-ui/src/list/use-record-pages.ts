import { useInfiniteQuery } from '@tanstack/react-query';
import { listRecords, type RecordData } from '../api/records.api';

export const PAGE_SIZE = 200;

/**
 * A list read page by page with the engine's keyset cursors: each page starts after the last row
 * of the one before, so scrolling deep stays as fast as the first page (no OFFSET). The first
 * page also asks for the exact count.
 */
export function useRecordPages(object: string, params: { filter?: unknown; sort?: string; fields?: string }) {
  const query = useInfiniteQuery({
    queryKey: ['records', object, 'list', params],
    queryFn: ({ pageParam, signal }) =>
      listRecords(
        object,
        { ...params, limit: PAGE_SIZE, cursor: pageParam, ...(pageParam ? {} : { count: 'exact' }) },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows: RecordData[] = query.data?.pages.flatMap((p) => p.data) ?? [];
  const total = query.data?.pages[0]?.count;
  return { ...query, rows, total };
}
