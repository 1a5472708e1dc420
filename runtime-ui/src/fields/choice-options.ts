import type { FieldMeta } from '../api/metadata.api';
import { labelOf } from '../i18n/label';

/**
 * The choices an input offers for a picklist: its active values, labelled in the UI language,
 * plus any inactive one the value already holds (so editing a record does not silently drop it).
 */
export function choiceOptions(field: FieldMeta, current: unknown, lng: string) {
  const held = new Set(Array.isArray(current) ? current : [current]);
  return (field.values ?? [])
    .filter((v) => v.active !== false || held.has(v.value))
    .map((v) => ({ value: v.value, label: labelOf(v.label, lng, v.value) }));
}
