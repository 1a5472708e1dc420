import type { FilterGroup } from './filter-model';

/**
 * Private list views: a user's own filter, sort and columns under a name, kept in this browser
 * for this user. Shared views (and the per-role defaults) are metadata, published by admins;
 * these need no rights beyond reading the object.
 */
export interface MyView {
  id: string;
  label: string;
  filter: FilterGroup;
  sort?: string;
  columns: string[];
}

const key = (userId: string, object: string) => `tessera.views.${userId}.${object}`;

export function loadMyViews(userId: string, object: string): MyView[] {
  try {
    const value = JSON.parse(localStorage.getItem(key(userId, object)) ?? '[]');
    return Array.isArray(value) ? value.filter((v) => v && typeof v.id === 'string' && typeof v.label === 'string' && v.filter?.kind === 'group') : [];
  } catch {
    return [];
  }
}

export function saveMyViews(userId: string, object: string, views: MyView[]): void {
  localStorage.setItem(key(userId, object), JSON.stringify(views));
}
