import type { WidgetProps } from '@rjsf/utils';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../../i18n/label';
import { fieldMetaOf } from './field-meta';

/** One choice from the field's values, labelled in the UI language. */
export function PicklistWidget({ id, value, onChange, disabled, readonly, options, rawErrors, label }: WidgetProps) {
  const { i18n } = useTranslation();
  const field = fieldMetaOf(options);
  return (
    <Select
      id={id}
      aria-label={label}
      value={(value as string | null | undefined) ?? undefined}
      onChange={(v) => onChange(v ?? undefined)}
      disabled={disabled || readonly}
      allowClear={!field.required}
      status={rawErrors?.length ? 'error' : undefined}
      options={(field.values ?? []).map((v) => ({ value: v.value, label: labelOf(v.label, i18n.language, v.value) }))}
    />
  );
}
