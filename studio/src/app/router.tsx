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
        { path: '*', lazy: page(() => import('./NotFound')) },
      ],
    },
  ],
  { basename: '/studio' },
);
