import { Checkbox, DatePicker, Input, InputNumber, Select, TimePicker } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FieldMeta } from '../api/metadata.api';
import { labelOf } from '../i18n/label';

interface Props {
  field: FieldMeta;
  value: unknown;
  onChange: (value: unknown) => void;
  onCommit: () => void;
  onCancel: () => void;
}

/** A one-field editor for table cells and mass update: the simple scalar types (FIELD_UI.inlineEdit). */
export function InlineEditor({ field, value, onChange, onCommit, onCancel }: Props) {
  const { i18n } = useTranslation();
  const label = labelOf(field.label, i18n.language);
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') onCancel();
    if (e.key === 'Enter') onCommit();
  };
  switch (field.type) {
    case 'integer':
    case 'number':
    case 'percent':
    case 'currency':
      return (
        <InputNumber
          autoFocus
          aria-label={label}
          value={value as number}
          onChange={(v) => onChange(v)}
          onKeyDown={keys}
          style={{ width: '100%' }}
          precision={field.type === 'integer' ? 0 : undefined}
        />
      );
    case 'picklist':
      return (
        <Select
          autoFocus
          defaultOpen
          aria-label={label}
          value={value as string}
          allowClear={!field.required}
          style={{ width: '100%', minWidth: 140 }}
          onChange={(v) => onChange(v ?? null)}
          onKeyDown={keys}
          options={(field.values ?? []).map((v) => ({
            value: v.value,
            label: labelOf(v.label, i18n.language, v.value),
          }))}
        />
      );
    case 'boolean':
      return (
        <Checkbox
          autoFocus
          aria-label={label}
          checked={!!value}
          onChange={(e) => onChange(e.target.checked)}
          onKeyDown={keys}
        />
      );
    case 'date':
      return (
        <DatePicker
          autoFocus
          aria-label={label}
          value={value ? dayjs(value as string) : null}
          onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)}
          onKeyDown={keys}
        />
      );
    case 'time':
      return (
        <TimePicker
          autoFocus
          aria-label={label}
          value={value ? dayjs(`2000-01-01T${value as string}`) : null}
          onChange={(d) => onChange(d ? d.format('HH:mm:ss') : null)}
        />
      );
    default:
      return (
        <Input
          autoFocus
          aria-label={label}
          value={(value as string) ?? ''}
          maxLength={field.maxLength}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={keys}
        />
      );
  }
}
