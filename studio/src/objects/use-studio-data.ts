import { useQuery, useQueryClient } from '@tanstack/react-query';
import { draftChanges, getObject, listFieldTypes, listObjects, recordCounts } from '../api/studio.api';

/** The draft and what the engine says about it, as TanStack Query caches them. An object comes with its ETag. */

export const useObjects = () => useQuery({ queryKey: ['draft', 'objects'], queryFn: listObjects });
export const useObject = (apiName: string) =>
  useQuery({ queryKey: ['draft', 'object', apiName], queryFn: () => getObject(apiName) });
/** Under 'draft', so every edit's invalidation counts them again. */
export const useDraftChanges = () => useQuery({ queryKey: ['draft', 'changes'], queryFn: draftChanges });
export const useRecordCounts = () => useQuery({ queryKey: ['record-counts'], queryFn: recordCounts });
export const useFieldTypes = () =>
  useQuery({ queryKey: ['field-types'], queryFn: listFieldTypes, staleTime: Infinity });

/** After any change to the draft: everything read from it is read again. */
export function useDraftChanged() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['draft'] });
}
