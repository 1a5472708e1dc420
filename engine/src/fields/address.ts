import type { FieldTypeDef } from './field-type.js';

const PARTS = [
  { key: 'street', part: 'street', max: 255 },
  { key: 'city', part: 'city', max: 100 },
  { key: 'state', part: 'state', max: 100 },
  { key: 'postalCode', part: 'postal_code', max: 20 },
  { key: 'country', part: 'country', max: 100 },
] as const;

/** A postal address: five text columns, one per part, so each can be filtered and indexed. */
export const address: FieldTypeDef = {
  columns: () => PARTS.map((p) => ({ part: p.part, sqlType: `character varying(${p.max})` })),
  settings: {},
  valueSchema: () => ({
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(PARTS.map((p) => [p.key, { type: ['string', 'null'], maxLength: p.max }])),
  }),
  value: { operators: ['isNull'], groupable: false, aggregates: [], csv: 'json' },
  sortable: false,
  toColumns: (v) => PARTS.map((p) => (v as Record<string, unknown>)[p.key] ?? null),
  fromColumns: (values) =>
    values.every((v) => v == null) ? null : Object.fromEntries(PARTS.map((p, i) => [p.key, values[i] ?? null])),
  jsonSql: (cols) => ({
    sql: `case when ${cols.map(() => '?? is null').join(' and ')} then null else json_build_object(${PARTS.map(() => '?::text, ??').join(', ')}) end`,
    bindings: [...cols, ...PARTS.flatMap((p, i) => [p.key, cols[i]])],
  }),
  widget: 'address',
};
