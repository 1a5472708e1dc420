import type { Label } from '../api/studio.api';

/**
 * A label as the studio edits it: one text per UI language. Metadata stores a plain string (the
 * same in every language) or one text per locale; both round-trip, and a locale the studio does
 * not edit is kept.
 */
export interface LabelTexts {
  en: string;
  zh: string;
}

export function toTexts(label: Label | undefined): LabelTexts {
  if (label === undefined) return { en: '', zh: '' };
  if (typeof label === 'string') return { en: label, zh: '' };
  return { en: label.en ?? '', zh: label['zh-CN'] ?? '' };
}

/** The label to store: `undefined` when both are empty. */
export function toLabel(texts: LabelTexts, before?: Label): Label | undefined {
  const en = texts.en.trim();
  const zh = texts.zh.trim();
  const others = before && typeof before === 'object' ? before : {};
  const { en: _e, 'zh-CN': _z, ...kept } = others;
  if (!en && !zh && !Object.keys(kept).length) return undefined;
  return { ...kept, ...(en ? { en } : {}), ...(zh ? { 'zh-CN': zh } : {}) };
}

/** An API name suggested from an English label: "Purchase Date" → purchase_date. */
export function apiNameFrom(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 40);
  return name.replace(/_+$/, '');
}
