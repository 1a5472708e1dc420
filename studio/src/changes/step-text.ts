import type { TFunction } from 'i18next';
import type { DraftStep } from '../api/studio.api';

/**
 * One edit in words, for the undo and redo buttons: its first item ("object vehicle changed")
 * and how many more it touched (a field rename rewrites the layouts and views that name it).
 */
export function stepText(step: DraftStep, t: TFunction): string {
  const [first, ...rest] = step.items;
  if (!first) return '';
  const text = t(`studio.changes.step.${first.change}`, {
    kind: t(`studio.publish.kind.${first.kind}`, { defaultValue: first.kind }),
    name: first.apiName,
  });
  return rest.length ? t('studio.changes.more', { first: text, count: rest.length }) : text;
}

/** Ctrl/⌘+Z and Ctrl/⌘+Shift+Z (or Ctrl+Y), unless the key is for a text box or editor. */
export function shortcutOf(event: KeyboardEvent): 'undo' | 'redo' | undefined {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return undefined;
  const target = event.target as HTMLElement | null;
  if (target?.closest?.('input, textarea, select, [contenteditable="true"], .monaco-editor')) return undefined;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !event.shiftKey) return 'redo';
  return undefined;
}
