import type { FieldTypeDef } from './field-type.js';
import { ENCRYPTED_SETTING, first, identity, maxLengthSetting, one, TEXT_OPERATORS } from './shared.js';

/** A single line of text, stored as varchar so its length limit lives in the schema too. */
export const text: FieldTypeDef = {
  columns: (f) => one(`character varying(${f.maxLength ?? 255})`),
  settings: { maxLength: maxLengthSetting(255, 10_000), encrypted: ENCRYPTED_SETTING },
  valueSchema: (f) => ({ type: 'string', maxLength: f.maxLength ?? 255 }),
  value: { operators: TEXT_OPERATORS, groupable: true, aggregates: [], csv: 'text' },
  sortable: true,
  toColumns: (v) => [identity(v)],
  fromColumns: first,
  widget: 'text',
  keepsEmptyString: true,
  textSearch: true,
  nameField: true,
  formulaKind: 'text',
};
