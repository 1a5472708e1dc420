import { createBrowserRouter, Navigate } from 'react-router';
import { StudioShell } from './StudioShell';

/** Screens load on first visit, so the first load is the shell and the objects list. */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const router = createBrowserRouter(
  [
    {
      path: '/',
      element: <StudioShell />,
      children: [
        { index: true, element: <Navigate to="/objects" replace /> },
        { path: 'objects', lazy: page(() => import('../objects/ObjectsPage')) },
        { path: 'objects/:apiName', lazy: page(() => import('../objects/ObjectPage')) },
        { path: 'objects/:apiName/layouts/:layout', lazy: page(() => import('../layouts/LayoutBuilderPage')) },
        { path: 'changes', lazy: page(() => import('../changes/ChangesPage')) },
        { path: 'releases', lazy: page(() => import('../releases/ReleasesPage')) },
        { path: 'releases/:n', lazy: page(() => import('../releases/ReleasePage')) },
        {
          path: 'security',
          lazy: page(() => import('../security/SecurityPage')),
          children: [
            { index: true, element: <Navigate to="objects" replace /> },
            { path: 'objects', lazy: page(() => import('../security/ObjectMatrixPage')) },
            { path: 'fields', lazy: page(() => import('../security/FieldGridPage')) },
            { path: 'defaults', lazy: page(() => import('../security/DefaultsPage')) },
            { path: 'roles', lazy: page(() => import('../security/RolesPage')) },
            { path: 'sharing', lazy: page(() => import('../security/SharingPage')) },
            { path: 'explain', lazy: page(() => import('../security/ExplainPage')) },
          ],
        },
        { path: 'automation', element: <Navigate to="/automation/workflows" replace /> },
        { path: 'automation/workflows', lazy: page(() => import('../automation/WorkflowsPage')) },
        { path: 'automation/workflows/:apiName', lazy: page(() => import('../automation/WorkflowPage')) },
        { path: 'automation/approvals', lazy: page(() => import('../automation/ApprovalsPage')) },
        { path: 'automation/approvals/:apiName', lazy: page(() => import('../automation/ApprovalPage')) },
        { path: 'objects/:apiName/list-views/:view', lazy: page(() => import('../views/ListViewPage')) },
        { path: 'dashboards', lazy: page(() => import('../dashboards/DashboardsPage')) },
        { path: 'dashboards/:apiName', lazy: page(() => import('../dashboards/DashboardEditorPage')) },
        { path: 'packs', lazy: page(() => import('../packs/PacksPage')) },
        { path: '*', lazy: page(() => import('./NotFound')) },
      ],
    },
  ],
  { basename: '/studio' },
);
