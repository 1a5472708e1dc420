import dayjs from 'dayjs';
import type { FieldMeta } from '../api/metadata.api';
import type { AggregateRow } from '../api/records.api';
import { valueText } from '../fields/field-ui';
import { plainText } from '../fields/format';

/**
 * The name of one group on a chart: a date bucket as a date, a picklist value by its label, and
 * a lookup by the name of the record it points to, which the aggregate answers beside the key as
 * `<key>:label` (null when the user may not see that record: it shows as `unnamed`, never as an id).
 */
export function groupName(
  row: AggregateRow,
  key: string,
  field: FieldMeta | undefined,
  lng: string,
  words: { none: string; unnamed: string },
): string {
  const raw = row[key];
  if (raw === null || raw === undefined) return words.none;
  const bucket = key.split(':')[1];
  if (bucket)
    return dayjs(plainText(raw)).format(
      bucket === 'year' ? 'YYYY' : bucket === 'month' || bucket === 'quarter' ? 'YYYY-MM' : 'L',
    );
  if (field?.target) {
    const label = row[`${key}:label`];
    return typeof label === 'string' && label !== '' ? label : words.unnamed;
  }
  return field ? valueText(field, raw, lng) : plainText(raw);
}
