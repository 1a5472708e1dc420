import type { WidgetProps } from '@rjsf/utils';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { fieldMetaOf } from './field-meta';
import { choiceOptions } from '../../fields/choice-options';

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
      options={choiceOptions(field, value, i18n.language)}
    />
  );
}
