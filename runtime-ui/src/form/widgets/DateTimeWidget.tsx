import type { WidgetProps } from '@rjsf/utils';
import { DatePicker } from 'antd';
import dayjs from 'dayjs';

/** A moment in time, picked in the user's time zone and sent as an ISO timestamp in UTC. */
export function DateTimeWidget({ id, value, onChange, disabled, readonly, rawErrors }: WidgetProps) {
  return (
    <DatePicker
      id={id}
      showTime
      style={{ width: '100%' }}
      value={value ? dayjs(value as string) : null}
      disabled={disabled || readonly}
      status={rawErrors?.length ? 'error' : undefined}
      onChange={(d) => onChange(d ? d.toISOString() : undefined)}
    />
  );
}
