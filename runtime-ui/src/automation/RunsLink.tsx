import type { ReactNode } from 'react';
import type { NavigateFunction } from 'react-router';

/**
 * A link to the runs page inside a message: antd's messages render outside the router, so the
 * link navigates with the calling page's `navigate` (a real href still opens in a new tab).
 */
export function RunsLink({ to, navigate, children }: { to: string; navigate: NavigateFunction; children: ReactNode }) {
  return (
    <a
      href={to}
      data-testid="runs-link"
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        void navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The runs page filtered to a workflow, with one run's detail open if given. */
export const runsUrl = (workflow: string, run?: string) =>
  `/automation/runs?${new URLSearchParams(run ? { workflow, run } : { workflow }).toString()}`;
