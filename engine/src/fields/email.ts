import type { FieldTypeDef } from './field-type.js';
import { ENCRYPTED_SETTING, first, one, TEXT_OPERATORS } from './shared.js';

/** An e-mail address: text underneath, checked as an address and kept lower-case. */
export const email: FieldTypeDef = {
  columns: () => one('character varying(254)'),
  settings: { encrypted: ENCRYPTED_SETTING },
  valueSchema: () => ({ type: 'string', format: 'email', maxLength: 254 }),
  value: { operators: TEXT_OPERATORS, groupable: true, aggregates: [], csv: 'token' },
  sortable: true,
  toColumns: (v) => [String(v).toLowerCase()],
  fromColumns: first,
  widget: 'email',
  textSearch: true,
  nameField: true,
  formulaKind: 'text',
};
