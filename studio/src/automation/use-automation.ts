import { useQuery } from '@tanstack/react-query';
import { listRuns, type RunFilter } from '@tessera/runtime-ui/api/automation.api';
import { getItem, listItems, type AutomationPath } from './automation.api';

/** The draft's automation as TanStack Query caches it, under 'draft' so every edit reads it again. */

export const useItems = <T>(path: AutomationPath) =>
  useQuery({ queryKey: ['draft', path], queryFn: () => listItems<T>(path) });

export const useItem = <T>(path: AutomationPath, apiName: string | undefined) =>
  useQuery({
    queryKey: ['draft', path, apiName],
    queryFn: () => getItem<T>(path, apiName!),
    enabled: apiName !== undefined,
  });

/** Runs, newest first (not under 'draft': they change with records, not with the draft). */
export const useRuns = (filter: RunFilter, limit: number) =>
  useQuery({
    queryKey: ['automation-runs', filter, limit],
    queryFn: ({ signal }) => listRuns({ ...filter, limit }, signal),
  });
