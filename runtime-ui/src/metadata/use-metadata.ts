import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { fetchRuntimeMetadata } from '../api/metadata.api';
import { useSession } from '../auth/use-session';
import { MetadataIndex } from './metadata-index';

/**
 * The published metadata for the signed-in user. Fetched on each page load (a field published in
 * the studio shows on the next load, no build) and refreshed when the window regains focus.
 */
export function useMetadata(): MetadataIndex | undefined {
  const { user } = useSession();
  const { data } = useQuery({
    queryKey: ['metadata'],
    queryFn: fetchRuntimeMetadata,
    enabled: !!user,
    staleTime: 30_000,
  });
  return useMemo(() => (data ? new MetadataIndex(data, user) : undefined), [data, user]);
}

/** For screens that render only once metadata is there (the shell waits for it). */
export function useMeta(): MetadataIndex {
  const meta = useMetadata();
  if (!meta) throw new Error('useMeta() before metadata loaded');
  return meta;
}
