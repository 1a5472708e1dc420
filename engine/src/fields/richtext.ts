import type { FieldTypeDef } from './field-type.js';
import { first, LONG_TEXT_OPERATORS, maxLengthSetting, one } from './shared.js';

/** Formatted text as HTML. Stored as written; screens sanitise it when they render it. */
export const richtext: FieldTypeDef = {
  columns: (f) => one(`character varying(${f.maxLength ?? 131_072})`),
  settings: { maxLength: maxLengthSetting(131_072, 1_048_576) },
  valueSchema: (f) => ({ type: 'string', maxLength: f.maxLength ?? 131_072, contentMediaType: 'text/html' }),
  value: { operators: LONG_TEXT_OPERATORS, groupable: false, aggregates: [], csv: 'text' },
  sortable: false,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'richtext',
};
