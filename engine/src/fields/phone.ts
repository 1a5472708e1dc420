import type { FieldTypeDef } from './field-type.js';
import { ENCRYPTED_SETTING, first, one, TEXT_OPERATORS } from './shared.js';

/** A phone number as people write it: digits with + ( ) - . / spaces and an extension. */
export const phone: FieldTypeDef = {
  columns: () => one('character varying(40)'),
  settings: { encrypted: ENCRYPTED_SETTING },
  valueSchema: () => ({ type: 'string', maxLength: 40, pattern: '^[0-9+() ./#*,;xX-]*[0-9][0-9+() ./#*,;xX-]*$' }),
  value: { operators: TEXT_OPERATORS, groupable: true, aggregates: [], csv: 'token' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'phone',
  textSearch: true,
  nameField: true,
  formulaKind: 'text',
};
