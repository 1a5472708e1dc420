import { createBrowserRouter } from 'react-router';
import { AppShell } from '../shell/AppShell';
import { HomeRedirect } from '../shell/HomeRedirect';
import { RouteError } from '../shell/RouteError';

/**
 * Every screen but the login page and the shell is its own chunk, loaded when first visited, so
 * the first load stays small (ECharts, rjsf and dnd-kit only come with the screens that use them).
 */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const router = createBrowserRouter([
  { path: '/login', lazy: page(() => import('../auth/LoginPage')) },
  {
    path: '/',
    element: <AppShell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: 'o/:object', lazy: page(() => import('../list/ListPage')) },
      { path: 'o/:object/kanban', lazy: page(() => import('../kanban/KanbanPage')) },
      { path: 'o/:object/new', lazy: page(() => import('../form/RecordFormPage')) },
      { path: 'o/:object/:id', lazy: page(() => import('../record/RecordPage')) },
      { path: 'o/:object/:id/edit', lazy: page(() => import('../form/RecordFormPage')) },
      { path: 'dashboards/:apiName', lazy: page(() => import('../dashboard/DashboardPage')) },
      { path: 'approvals', lazy: page(() => import('../approvals/MyApprovalsPage')) },
      { path: 'automation/runs', lazy: page(() => import('../automation/RunsPage')) },
      { path: '*', lazy: async () => ({ Component: (await import('../shell/NotFound')).NotFound }) },
    ],
  },
]);
