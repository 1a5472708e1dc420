import type { WidgetProps } from '@rjsf/utils';
import { InputNumber } from 'antd';
import { fieldMetaOf } from './field-meta';

function NumberInput({
  id,
  value,
  onChange,
  disabled,
  readonly,
  options,
  rawErrors,
  schema,
  suffix,
}: WidgetProps & { suffix?: string }) {
  const field = fieldMetaOf(options);
  return (
    <InputNumber
      id={id}
      style={{ width: '100%' }}
      value={value as number | undefined}
      disabled={disabled || readonly}
      precision={schema.type === 'integer' ? 0 : field.scale}
      suffix={suffix}
      status={rawErrors?.length ? 'error' : undefined}
      onChange={(v) => onChange(v ?? undefined)}
    />
  );
}

/** Integers and decimals, with the field's scale as the step precision. */
export function NumberWidget(props: WidgetProps) {
  return <NumberInput {...props} />;
}

/** A percentage: a number with a % after it. */
export function PercentWidget(props: WidgetProps) {
  return <NumberInput {...props} suffix="%" />;
}
