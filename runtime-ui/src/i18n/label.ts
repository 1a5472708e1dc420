import type { Label } from '../api/metadata.api';

/**
 * A metadata label in the given language: the exact locale, then its base language, then
 * English, then whatever the label has. Metadata stores `"Name"` or `{ "en": …, "zh-CN": … }`.
 */
export function labelOf(label: Label | undefined, lng: string, fallback = ''): string {
  if (label === undefined) return fallback;
  if (typeof label === 'string') return label;
  return label[lng] ?? label[lng.split('-')[0]!] ?? label.en ?? Object.values(label)[0] ?? fallback;
}
