import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { shortcutOf, stepText } from './step-text';

beforeAll(async () => {
  await i18next.init({ lng: 'en', resources: { en: { translation: { studio: en } } } });
});

const step = (items: { kind: string; apiName: string; change: 'created' | 'changed' | 'deleted' }[]) => ({
  seq: 1,
  at: '2026-12-06T00:00:00.000Z',
  items,
});

describe('an edit in words', () => {
  it('names the item, its kind and what happened', () => {
    expect(stepText(step([{ kind: 'object', apiName: 'vehicle', change: 'created' }]), i18next.t)).toBe(
      'object vehicle created',
    );
  });

  it('counts the items a rename rewrote beside the first', () => {
    const rename = step([
      { kind: 'object', apiName: 'account', change: 'changed' },
      { kind: 'layout', apiName: 'account_layout', change: 'changed' },
      { kind: 'listView', apiName: 'all_accounts', change: 'changed' },
    ]);
    expect(stepText(rename, i18next.t)).toBe('object account changed and 2 more items');
  });
});

describe('the undo and redo keys', () => {
  // A key event as the handler reads it; the target answers closest() as an element would.
  const key = (init: Partial<KeyboardEvent>, inTextBox = false) =>
    shortcutOf({
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      ...init,
      target: { closest: (selector: string) => (inTextBox && selector.includes('textarea') ? {} : null) },
    } as unknown as KeyboardEvent);

  it('reads Ctrl+Z as undo and Ctrl+Shift+Z or Ctrl+Y as redo', () => {
    expect(key({ key: 'z', ctrlKey: true })).toBe('undo');
    expect(key({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(key({ key: 'y', metaKey: true })).toBe('redo');
    expect(key({ key: 'z' })).toBeUndefined();
  });

  it('leaves the keys to a text box, where they undo typing', () => {
    expect(key({ key: 'z', ctrlKey: true }, true)).toBeUndefined();
    expect(key({ key: 'z', ctrlKey: true, shiftKey: true }, true)).toBeUndefined();
  });
});
