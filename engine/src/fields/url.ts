import type { FieldTypeDef } from './field-type.js';
import { ENCRYPTED_SETTING, first, one, TEXT_OPERATORS } from './shared.js';

/** A web address. Only http(s): a javascript: or data: link would run when someone clicks it. */
export const url: FieldTypeDef = {
  columns: () => one('character varying(2048)'),
  settings: { encrypted: ENCRYPTED_SETTING },
  valueSchema: () => ({ type: 'string', format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2048 }),
  value: { operators: TEXT_OPERATORS, groupable: true, aggregates: [], csv: 'token' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'url',
  textSearch: true,
  nameField: true,
  formulaKind: 'text',
};
