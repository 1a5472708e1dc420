import { useSyncExternalStore } from 'react';

/**
 * Records the user opened lately, newest first, kept in this browser only (names and ids, never
 * a credential). The record page adds to it; search shows it before anything is typed.
 */
export interface RecentItem {
  object: string;
  id: string;
  name: string;
}

const KEY = 'tessera.recent';
const MAX = 10;
const listeners = new Set<() => void>();
let cache: RecentItem[] | undefined;

const isRecentItem = (value: unknown): value is RecentItem => {
  const i = value as Partial<RecentItem> | null;
  return !!i && typeof i.id === 'string' && typeof i.object === 'string';
};

function read(): RecentItem[] {
  if (cache) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    cache = Array.isArray(parsed) ? parsed.filter(isRecentItem) : [];
  } catch {
    cache = [];
  }
  return cache;
}

export function addRecentItem(item: RecentItem): void {
  const next = [item, ...read().filter((i) => !(i.id === item.id && i.object === item.object))].slice(0, MAX);
  cache = next;
  localStorage.setItem(KEY, JSON.stringify(next));
  listeners.forEach((l) => l());
}

export function useRecentItems(): RecentItem[] {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, read);
}
