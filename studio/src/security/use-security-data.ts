import { useMutation, useQuery } from '@tanstack/react-query';
import { useDraftChanged } from '../objects/use-studio-data';
import type { DraftObject } from '../api/studio.api';
import { listTagged, saveItem, type Group, type PermissionSet, type Role, type SecurityKind } from './security.api';

/**
 * The draft's security items as TanStack Query caches them, each with its ETag. Under 'draft', so
 * any edit (here or on another screen) reads them again.
 */

export const usePermissionSets = () =>
  useQuery({ queryKey: ['draft', 'permission-sets'], queryFn: () => listTagged<PermissionSet>('permission-sets') });
export const useRoles = () => useQuery({ queryKey: ['draft', 'roles'], queryFn: () => listTagged<Role>('roles') });
export const useGroups = () => useQuery({ queryKey: ['draft', 'groups'], queryFn: () => listTagged<Group>('groups') });
/** Objects with their ETags, for their sharing (saved through the object's own PUT). */
export const useTaggedObjects = () =>
  useQuery({ queryKey: ['draft', 'objects', 'tagged'], queryFn: () => listTagged<DraftObject>('objects') });

/** Saves one item with the ETag it was read with; the draft is read again afterwards. */
export function useSaveItem<T>(kind: SecurityKind) {
  const changed = useDraftChanged();
  return useMutation({
    mutationFn: ({ apiName, item, etag }: { apiName: string; item: T; etag: string }) =>
      saveItem(kind, apiName, item, etag),
    onSuccess: () => changed(),
  });
}
