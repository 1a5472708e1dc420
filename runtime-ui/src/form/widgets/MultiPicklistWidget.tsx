import type { WidgetProps } from '@rjsf/utils';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { fieldMetaOf } from './field-meta';
import { choiceOptions } from '../../fields/choice-options';

/** Several choices from the field's values. */
export function MultiPicklistWidget({
  id,
  value,
  onChange,
  disabled,
  readonly,
  options,
  rawErrors,
  label,
}: WidgetProps) {
  const { i18n } = useTranslation();
  const field = fieldMetaOf(options);
  return (
    <Select
      id={id}
      aria-label={label}
      mode="multiple"
      value={(value as string[] | undefined) ?? []}
      onChange={(v: string[]) => onChange(v)}
      disabled={disabled || readonly}
      status={rawErrors?.length ? 'error' : undefined}
      options={choiceOptions(field, value, i18n.language)}
    />
  );
}
