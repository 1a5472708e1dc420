import { useQuery } from '@tanstack/react-query';
import { getLayout, listLayouts, listRoles } from './layouts.api';

/** The draft's layouts and roles as TanStack Query caches them, under 'draft' so every edit reads them again. */
export const useLayouts = (object: string) =>
  useQuery({ queryKey: ['draft', 'layouts', object], queryFn: () => listLayouts(object) });
export const useLayout = (apiName: string) =>
  useQuery({ queryKey: ['draft', 'layout', apiName], queryFn: () => getLayout(apiName) });
export const useRoles = () => useQuery({ queryKey: ['draft', 'roles'], queryFn: listRoles });
