import type { FieldDef } from '../metadata/types.js';
import type { FieldTypeDef } from './field-type.js';
import { first, one, TEXT_OPERATORS } from './shared.js';

/** Prefix, digit count and suffix of a format such as `CASE-{00000}`. */
export function parseAutonumberFormat(field: FieldDef) {
  const match = /^([^{}]*)\{(0+)\}([^{}]*)$/.exec(field.format ?? '{0}');
  if (!match) throw new Error(`autonumber format ${field.format} has no {000} placeholder`);
  return { prefix: match[1]!, digits: match[2]!.length, suffix: match[3]!, startAt: field.startAt ?? 1 };
}

/** A number the engine hands out in order (CASE-00042); clients cannot write it. */
export const autonumber: FieldTypeDef = {
  columns: () => one('character varying(255)'),
  settings: {
    format: {
      type: 'string',
      pattern: '^[A-Za-z0-9 _./#:-]{0,20}\\{0{1,12}\\}[A-Za-z0-9 _./#:-]{0,20}$',
      default: '{0}',
      title: 'Display format',
      description: 'Display format: prefix, {000…} for the zero-padded number, suffix. Example: CASE-{00000}.',
    },
    startAt: { type: 'integer', minimum: 0, default: 1, title: 'Start at', description: 'First number handed out.' },
  },
  valueSchema: () => ({ type: 'string', readOnly: true }),
  value: { operators: TEXT_OPERATORS, groupable: true, aggregates: [], csv: 'token' },
  sortable: true,
  readOnly: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'readonly',
  textSearch: true,
  nameField: true,
  formulaKind: 'text',
  sequence: parseAutonumberFormat,
  check: (f) =>
    f.default === undefined
      ? []
      : [{ field: '/default', code: 'readOnly', message: 'an autonumber field cannot have a default' }],
};
