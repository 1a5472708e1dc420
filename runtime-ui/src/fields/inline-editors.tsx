import { Checkbox, DatePicker, Input, InputNumber, Select, TimePicker } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { InlineEditorProps } from './field-ui';
import { choiceOptions } from './choice-options';

/** One-field editors for table cells and mass update; field-ui.ts gives them to the simple scalar types. */

// An editor opens because the user asked for it (the pencil, a double click, the mass-update
// field), so focus goes to it.
/* eslint-disable jsx-a11y/no-autofocus */

export function TextEditor({ field, value, onChange, onKeyDown, label }: InlineEditorProps) {
  return (
    <Input
      autoFocus
      aria-label={label}
      value={(value as string) ?? ''}
      maxLength={field.maxLength}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}

const numberEditor = (precision?: number) =>
  function NumberEditor({ value, onChange, onKeyDown, label }: InlineEditorProps) {
    return (
      <InputNumber
        autoFocus
        aria-label={label}
        value={value as number}
        onChange={(v) => onChange(v)}
        onKeyDown={onKeyDown}
        style={{ width: '100%' }}
        precision={precision}
      />
    );
  };
export const IntegerEditor = numberEditor(0);
export const DecimalEditor = numberEditor();

export function PicklistEditor({ field, value, onChange, onKeyDown, label }: InlineEditorProps) {
  const { i18n } = useTranslation();
  return (
    <Select
      autoFocus
      defaultOpen
      aria-label={label}
      value={value as string}
      allowClear={!field.required}
      style={{ width: '100%', minWidth: 140 }}
      onChange={(v) => onChange(v ?? null)}
      onKeyDown={onKeyDown}
      options={choiceOptions(field, value, i18n.language)}
    />
  );
}

export function CheckboxEditor({ value, onChange, onKeyDown, label }: InlineEditorProps) {
  return (
    <Checkbox
      autoFocus
      aria-label={label}
      checked={!!value}
      onChange={(e) => onChange(e.target.checked)}
      onKeyDown={onKeyDown}
    />
  );
}

export function DateEditor({ value, onChange, onKeyDown, label }: InlineEditorProps) {
  return (
    <DatePicker
      autoFocus
      aria-label={label}
      value={value ? dayjs(value as string) : null}
      onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)}
      onKeyDown={onKeyDown}
    />
  );
}

export function TimeEditor({ value, onChange, label }: InlineEditorProps) {
  return (
    <TimePicker
      autoFocus
      aria-label={label}
      value={value ? dayjs(`2000-01-01T${value as string}`) : null}
      onChange={(d) => onChange(d ? d.format('HH:mm:ss') : null)}
    />
  );
}
