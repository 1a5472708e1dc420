import { useQuery } from '@tanstack/react-query';
import { fetchMe, type SessionUser } from '../api/auth.api';

/**
 * The signed-in user, or none. The session is an httpOnly cookie, so the only way to know it is
 * to ask the engine (GET /auth/me); a 401 anywhere invalidates this query (see main.tsx).
 */
export function useSession(): { user: SessionUser | undefined; loading: boolean } {
  const { data, isPending } = useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        return await fetchMe();
      } catch (e) {
        if ((e as { status?: number }).status === 401) return null;
        throw e;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
  return { user: data ?? undefined, loading: isPending };
}
