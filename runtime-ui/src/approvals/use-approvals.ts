import { useQuery, useQueryClient } from '@tanstack/react-query';
import { listMyApprovals, listRecordApprovals } from '../api/approvals.api';
import { fetchUser } from '../api/records.api';

export const APPROVAL_KEYS = {
  all: ['approvals'] as const,
  mine: ['approvals', 'mine'] as const,
  record: (object: string, id: string) => ['approvals', 'record', object, id] as const,
};

/** The record's approvals, newest first. */
export function useRecordApprovals(object: string, id: string) {
  return useQuery({
    queryKey: APPROVAL_KEYS.record(object, id),
    queryFn: async ({ signal }) => (await listRecordApprovals(object, id, signal)).data,
  });
}

/** How often the queue (and the count in the navigation) is read again while the tab is visible. */
const REFRESH_MS = 60_000;

/** The signed-in user's pending approval tasks, oldest first. */
export function useMyApprovals() {
  return useQuery({
    queryKey: APPROVAL_KEYS.mine,
    queryFn: async ({ signal }) => (await listMyApprovals(signal)).data,
    refetchInterval: REFRESH_MS,
    staleTime: 10_000,
  });
}

/**
 * A user's name by id (GET /users/{id}, which every signed-in user may ask); while it loads, or
 * when it cannot be read, the id's start.
 */
export function useUserName(id: string | null | undefined): string {
  const user = useQuery({
    queryKey: ['users', 'one', id],
    queryFn: () => fetchUser(id!),
    enabled: !!id,
    staleTime: 5 * 60_000,
    retry: false,
  });
  if (!id) return '';
  return user.data?.name ?? `${id.slice(0, 8)}…`;
}

/** The process's actions run in the background after a decision: the record is read again a little later too. */
const ACTION_DELAYS_MS = [1_500, 4_000];

/** After a submission, recall, decision or delegation: the approvals, the queue and the record read again. */
export function useAfterApprovalChange() {
  const queryClient = useQueryClient();
  return (object: string, recordId: string) => {
    const reread = () => {
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      void queryClient.invalidateQueries({ queryKey: ['history', object, recordId] });
    };
    void queryClient.invalidateQueries({ queryKey: APPROVAL_KEYS.all });
    reread();
    for (const ms of ACTION_DELAYS_MS) setTimeout(reread, ms);
  };
}
