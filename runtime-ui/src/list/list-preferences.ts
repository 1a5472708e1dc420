/** Column choices per list view, remembered in this browser (they are a person's taste, not metadata). */
const key = (object: string, view: string) => `tessera.columns.${object}.${view}`;

export function savedColumns(object: string, view: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key(object, view)) ?? 'null');
    return Array.isArray(value) && value.every((c): c is string => typeof c === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveColumns(object: string, view: string, columns: string[] | undefined): void {
  if (columns) localStorage.setItem(key(object, view), JSON.stringify(columns));
  else localStorage.removeItem(key(object, view));
}
