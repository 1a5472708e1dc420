import { FIELD_UI, isLookup } from '../fields/field-ui';
import { labelOf } from '../i18n/label';
import type { MetadataIndex } from '../metadata/metadata-index';

/**
 * The `fields` parameter for a set of columns: each lookup comes back as { id, name } (its target's
 * name field joined in the same statement), so tables show names, not ids.
 */
export function requestFields(meta: MetadataIndex, object: string, columns: string[]): string {
  const out = new Set<string>();
  const nameField = meta.object(object)?.nameField;
  if (nameField) out.add(nameField);
  for (const column of columns) {
    const resolved = meta.path(object, column);
    if (!resolved) continue;
    if (!resolved.through && isLookup(resolved.field)) {
      const targetName = meta.object(resolved.field.target!)?.nameField;
      out.add(targetName ? `${column}.${targetName}` : column);
    } else out.add(column);
  }
  return [...out].join(',');
}

/** The value of `name` or `account.name` in a record as the list answers it. */
export function cellValue(record: Record<string, unknown>, path: string): unknown {
  const [head, tail] = path.split('.');
  const value = record[head!];
  if (tail === undefined) return value;
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[tail] : undefined;
}

/** Every column a user may add: the object's own fields, then one step through each lookup. */
export function availableColumns(meta: MetadataIndex, object: string): string[] {
  const fields = meta.object(object)?.fields ?? [];
  const own = fields.filter((f) => !FIELD_UI[f.type].notAColumn).map((f) => f.apiName);
  const through = fields.filter(isLookup).flatMap((f) => {
    const target = meta.object(f.target!);
    return target ? [`${f.apiName}.${target.nameField}`] : [];
  });
  return [...own, ...through];
}

/**
 * A column's heading: the field's label; through a lookup, the lookup's label (and the field's, unless it is the
 * target's name).
 */
export function columnTitle(meta: MetadataIndex, object: string, path: string, lng: string): string {
  const r = meta.path(object, path);
  if (!r) return path;
  if (!r.through) return labelOf(r.field.label, lng);
  const named = meta.object(r.through.target!)?.nameField === r.field.apiName;
  return named ? labelOf(r.through.label, lng) : `${labelOf(r.through.label, lng)} › ${labelOf(r.field.label, lng)}`;
}
