import type { FieldError } from '../errors.js';
import type { Label } from '../metadata/types.js';

/**
 * A pack's translation files (pack.json `translations`, metadata/schemas/pack-translations.schema.json)
 * merged into its items' labels as the pack is read, so object files can stay in one language
 * and a translator works in one file. Pure: the files come in parsed; the items are changed in
 * place (they are the pack's freshly read copies). A key naming no item of the pack, or a
 * picklist value its field lacks, is an error naming the file and the key.
 */

/** One locale's file: item id → its texts in that locale. */
export type TranslationFile = Record<
  string,
  Partial<Record<'label' | 'pluralLabel' | 'helpText' | 'message', string>> & {
    values?: Record<string, string>;
  }
>;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every part of the pack with an id (objects, fields, rules, sections, widgets …), by id. */
export function itemsById(content: unknown, out = new Map<string, Node>()): Map<string, Node> {
  if (Array.isArray(content)) content.forEach((c) => itemsById(c, out));
  else if (isNode(content)) {
    if (typeof content.id === 'string' && !out.has(content.id)) out.set(content.id, content);
    Object.values(content).forEach((c) => itemsById(c, out));
  }
  return out;
}

/**
 * A label with one locale's text set. A plain string is the text of every language; with a
 * translation beside it, it is taken as the English one.
 */
function withLocale(label: unknown, locale: string, text: string): Label {
  if (typeof label === 'string') return locale === 'en' ? { en: text } : { en: label, [locale]: text };
  return { ...(isNode(label) ? (label as Record<string, string>) : {}), [locale]: text };
}

/** Merges one locale's file into the items; answers what it names that the pack lacks. */
export function applyTranslations(
  items: ReadonlyMap<string, Node>,
  file: string,
  locale: string,
  translations: TranslationFile,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [id, { values, ...texts }] of Object.entries(translations)) {
    const item = items.get(id);
    if (!item) {
      errors.push({ field: `${file}#/${id}`, code: 'reference', message: `the pack defines no item with id "${id}"` });
      continue;
    }
    for (const [prop, text] of Object.entries(texts)) item[prop] = withLocale(item[prop], locale, text);
    for (const [value, text] of Object.entries(values ?? {})) {
      const entry = (Array.isArray(item.values) ? (item.values as unknown[]) : []).find(
        (v): v is Node => isNode(v) && v.value === value,
      );
      if (entry) entry.label = withLocale(entry.label, locale, text);
      else
        errors.push({
          field: `${file}#/${id}/values/${value}`,
          code: 'reference',
          message: `"${id}" has no picklist value "${value}"`,
        });
    }
  }
  return errors;
}
