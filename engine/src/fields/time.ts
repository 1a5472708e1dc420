import type { FieldTypeDef } from './field-type.js';
import { first, one, ORDER_AGGREGATES, ORDERED_OPERATORS } from './shared.js';

/** A time of day, HH:MM or HH:MM:SS, with no date or zone. */
export const time: FieldTypeDef = {
  columns: () => one('time without time zone'),
  settings: {},
  valueSchema: () => ({ type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?$' }),
  value: { operators: ORDERED_OPERATORS, groupable: false, aggregates: ORDER_AGGREGATES, csv: 'token' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'time',
};
