import { useEffect } from 'react';
import { useBlocker, type Blocker } from 'react-router';

/**
 * Guards unsaved changes: leaving through the app (links, back button) asks first, and closing or
 * reloading the tab triggers the browser's own prompt.
 */
export function useUnsavedWarning(dirty: boolean): Blocker {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  return blocker;
}
