import type { WidgetProps } from '@rjsf/utils';
import { TimePicker } from 'antd';
import dayjs from 'dayjs';

/** A time of day, sent as HH:mm:ss. */
export function TimeWidget({ id, value, onChange, disabled, readonly, rawErrors }: WidgetProps) {
  return (
    <TimePicker
      id={id}
      style={{ width: '100%' }}
      value={value ? dayjs(`2000-01-01T${value as string}`) : null}
      disabled={disabled || readonly}
      status={rawErrors?.length ? 'error' : undefined}
      onChange={(d) => onChange(d ? d.format('HH:mm:ss') : undefined)}
    />
  );
}
