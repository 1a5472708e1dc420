import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { useBlocker, type Blocker } from 'react-router';

/**
 * Guards unsaved changes: leaving through the app (links, back button) asks first, and closing or
 * reloading the tab triggers the browser's own prompt. `release()` lets the next navigation pass
 * at once (after a save), without waiting for a re-render to update the guard.
 */
export function useUnsavedWarning(dirty: boolean): { blocker: Blocker; release: () => void } {
  const guarded = useRef(dirty);
  useLayoutEffect(() => {
    guarded.current = dirty;
  });
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => guarded.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  const release = useCallback(() => {
    guarded.current = false;
  }, []);
  return { blocker, release };
}
