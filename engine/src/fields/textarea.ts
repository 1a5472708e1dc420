import type { FieldTypeDef } from './field-type.js';
import { ENCRYPTED_SETTING, first, LONG_TEXT_OPERATORS, maxLengthSetting, one } from './shared.js';

/** Several lines of plain text. */
export const textarea: FieldTypeDef = {
  columns: (f) => one(`character varying(${f.maxLength ?? 32_768})`),
  settings: { maxLength: maxLengthSetting(32_768, 131_072), encrypted: ENCRYPTED_SETTING },
  valueSchema: (f) => ({ type: 'string', maxLength: f.maxLength ?? 32_768 }),
  value: { operators: LONG_TEXT_OPERATORS, groupable: false, aggregates: [], csv: 'text' },
  sortable: false,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'textarea',
  formulaKind: 'text',
};
