import { Navigate } from 'react-router';
import { useMeta } from '../metadata/use-metadata';

/** The start page: the first dashboard, else the first object's list. */
export function HomeRedirect() {
  const meta = useMeta();
  const dashboard = meta.dashboards[0];
  if (dashboard) return <Navigate to={`/dashboards/${dashboard.apiName}`} replace />;
  const object = meta.objects[0];
  return <Navigate to={object ? `/o/${object.apiName}` : '/login'} replace />;
}
