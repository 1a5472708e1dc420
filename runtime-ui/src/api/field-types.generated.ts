// Written by `npm run schemas` from the engine's field-type registry (engine/src/fields/index.ts).
// Do not edit: engine/src/metadata/schemas.test.ts fails when it differs from the registry.

/** Every field type. A Record<FieldType, …> fails to compile until it handles each. */
export const FIELD_TYPES = [
  'text',
  'textarea',
  'richtext',
  'email',
  'phone',
  'url',
  'integer',
  'number',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'time',
  'picklist',
  'multipicklist',
  'lookup',
  'masterDetail',
  'autonumber',
  'json',
  'address',
  'geolocation',
  'formula',
  'rollup',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The operators of the list filter language; the engine sends per field those it takes. */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'startsWith',
  'isNull',
  'between',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** The widget the engine names per field (FieldTypeDef.widget); form/widgets/index.ts draws each. */
export const WIDGET_IDS = [
  'text',
  'textarea',
  'richtext',
  'email',
  'phone',
  'url',
  'integer',
  'number',
  'currency',
  'percent',
  'checkbox',
  'date',
  'datetime',
  'time',
  'picklist',
  'multipicklist',
  'lookup',
  'readonly',
  'json',
  'address',
  'geolocation',
] as const;
export type WidgetId = (typeof WIDGET_IDS)[number];

/** The widget the engine sends for a field of each type. */
export const TYPE_WIDGETS: Record<FieldType, WidgetId> = {
  text: 'text',
  textarea: 'textarea',
  richtext: 'richtext',
  email: 'email',
  phone: 'phone',
  url: 'url',
  integer: 'integer',
  number: 'number',
  currency: 'currency',
  percent: 'percent',
  boolean: 'checkbox',
  date: 'date',
  datetime: 'datetime',
  time: 'time',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
  lookup: 'lookup',
  masterDetail: 'lookup',
  autonumber: 'readonly',
  json: 'json',
  address: 'address',
  geolocation: 'geolocation',
  formula: 'readonly',
  rollup: 'readonly',
};
