import type { WidgetProps } from '@rjsf/utils';
import { InputNumber } from 'antd';
import { fieldMetaOf } from './field-meta';

/** Integers, decimals and percentages, with the field's scale as the step precision. */
export function NumberWidget({ id, value, onChange, disabled, readonly, options, rawErrors, schema }: WidgetProps) {
  const field = fieldMetaOf(options);
  return (
    <InputNumber
      id={id}
      style={{ width: '100%' }}
      value={value as number | undefined}
      disabled={disabled || readonly}
      precision={schema.type === 'integer' ? 0 : field.scale}
      suffix={field.type === 'percent' ? '%' : undefined}
      status={rawErrors?.length ? 'error' : undefined}
      onChange={(v) => onChange(v ?? undefined)}
    />
  );
}
