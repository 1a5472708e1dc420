import { keepPreviousData, useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import {
  fetchRun,
  listRuns,
  listWorkflows,
  type RunFilter,
  type RunSummary,
  type Workflow,
} from '../api/automation.api';
import { listRecords } from '../api/records.api';
import { plainText } from '../fields/format';
import type { MetadataIndex } from '../metadata/metadata-index';
import { inProgress } from './run-format';

/** Runs a page loads at a time (the API's default; it takes 1 to 200). */
export const RUNS_PAGE = 50;
/** How often a page that shows an unfinished run asks again. */
const REFRESH_MS = 2_000;

/**
 * The runs, newest first, page by page: each page asks for the runs before the last one shown
 * (`before`). A refetch reads the pages again from the newest, so new runs come in on top. While
 * any run shown is still queued, running or retrying, the list refreshes itself.
 */
export function useRuns(filter: RunFilter) {
  const query = useInfiniteQuery({
    queryKey: ['automation', 'runs', filter],
    queryFn: ({ pageParam, signal }) => listRuns({ ...filter, limit: RUNS_PAGE, before: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.runs.length < RUNS_PAGE ? undefined : last.runs.at(-1)?.id),
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.runs.some((r) => inProgress(r.status))) ? REFRESH_MS : false,
  });
  const runs = useMemo(() => query.data?.pages.flatMap((p) => p.runs) ?? [], [query.data]);
  return { ...query, runs };
}

/** One run with its definition, snapshots and steps; refreshed while it is unfinished. */
export function useRun(id: string | undefined) {
  return useQuery({
    queryKey: ['automation', 'run', id],
    queryFn: ({ signal }) => fetchRun(id!, signal),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && inProgress(q.state.data.status) ? REFRESH_MS : false),
  });
}

/** The workflows by API name (for their labels and the filter's options). */
export function useWorkflows() {
  const query = useQuery({ queryKey: ['automation', 'workflows'], queryFn: listWorkflows, staleTime: 60_000 });
  const byName = useMemo(
    () => new Map<string, Workflow>((query.data?.data ?? []).map((w) => [w.apiName, w])),
    [query.data],
  );
  return { ...query, byName };
}

/** Ids a name request asks for at once (the list API's filter takes them in one `in`). */
const NAMES_CHUNK = 100;

/**
 * The names of the records the runs are about: one list request per object and chunk of ids, for
 * the objects the user may read. A record since deleted has no name (the page shows its id).
 */
export function useRecordNames(meta: MetadataIndex, runs: Pick<RunSummary, 'object' | 'recordId'>[]) {
  const requests = useMemo(() => {
    const ids = new Map<string, Set<string>>();
    for (const r of runs) {
      if (!r.recordId || !meta.object(r.object)) continue;
      if (!ids.has(r.object)) ids.set(r.object, new Set());
      ids.get(r.object)!.add(r.recordId);
    }
    // In the order shown, so the chunks already asked stay the same when "Load more" adds a page.
    return [...ids].flatMap(([object, set]) => {
      const all = [...set];
      const chunks: { object: string; ids: string[] }[] = [];
      for (let i = 0; i < all.length; i += NAMES_CHUNK) chunks.push({ object, ids: all.slice(i, i + NAMES_CHUNK) });
      return chunks;
    });
  }, [meta, runs]);
  return useQueries({
    queries: requests.map(({ object, ids }) => {
      const nameField = meta.object(object)!.nameField;
      return {
        queryKey: ['records', object, 'names', ids],
        queryFn: ({ signal }: { signal: AbortSignal }) =>
          listRecords(object, { filter: { id: { in: ids } }, fields: nameField, limit: ids.length }, signal),
        staleTime: 60_000,
        // While a changed chunk loads, the names known so far stay (no flash of ids).
        placeholderData: keepPreviousData,
        select: (page: Awaited<ReturnType<typeof listRecords>>) =>
          page.data.map(
            (r) => [r.id, r[nameField] === null || r[nameField] === undefined ? '' : plainText(r[nameField])] as const,
          ),
      };
    }),
    combine: (results) => new Map(results.flatMap((r) => r.data ?? [])),
  });
}
