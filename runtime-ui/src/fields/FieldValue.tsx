import { useTranslation } from 'react-i18next';
import type { FieldMeta } from '../api/metadata.api';
import { TextDisplay } from './displays';
import { uiOf } from './field-ui';

/**
 * A value as a person reads it, drawn the way its type says (fields/field-ui.ts): picklists as
 * coloured tags, lookups as links to the record, rich text sanitised, a formula as its return type.
 */
export function FieldValue({
  field,
  value,
  record,
}: {
  field: FieldMeta;
  value: unknown;
  record?: Record<string, unknown>;
}) {
  const { i18n } = useTranslation();
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    return null;
  const ui = uiOf(field);
  const text = ui.text(value, { field, lng: i18n.language, record });
  return ui.Display ? (
    <ui.Display field={field} value={value} record={record} text={text} />
  ) : (
    <TextDisplay field={field} value={value} text={text} />
  );
}
