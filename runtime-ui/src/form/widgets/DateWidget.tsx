import type { WidgetProps } from '@rjsf/utils';
import { DatePicker } from 'antd';
import dayjs from 'dayjs';

/** A calendar date, sent as YYYY-MM-DD (no time zone: a close date is the same day everywhere). */
export function DateWidget({ id, value, onChange, disabled, readonly, rawErrors }: WidgetProps) {
  return (
    <DatePicker
      id={id}
      style={{ width: '100%' }}
      value={value ? dayjs(value as string) : null}
      disabled={disabled || readonly}
      status={rawErrors?.length ? 'error' : undefined}
      onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
    />
  );
}
