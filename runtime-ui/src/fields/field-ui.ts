import type { RJSFSchema } from '@rjsf/utils';
import type { FieldMeta, FieldType } from '../api/metadata.api';

/**
 * What the runtime UI does with each field type, in one table the compiler keeps complete: a new
 * type in FieldType fails to compile here until it says how it is filtered, edited and shown.
 */

/** The value input a filter condition on this field needs. */
export type FilterInputKind = 'text' | 'number' | 'date' | 'datetime' | 'choice' | 'boolean' | 'lookup' | 'none';

export interface FieldUi {
  filterInput: FilterInputKind;
  /** Whether a table cell can edit it in place (simple scalar values only). */
  inlineEdit: boolean;
  /** JSON Schema of the value in the form (may differ from the API's: currency is amount + code). */
  formSchema(field: FieldMeta): RJSFSchema;
  /** rjsf widget or field id (registered in form/widgets/index.ts). */
  widget?: string;
  field?: string;
  /** The API value → the form value, and back. Default: as is. */
  toForm?(value: unknown, record: Record<string, unknown>, field: FieldMeta): unknown;
  fromForm?(value: unknown): unknown;
}

const text = (format?: string): FieldUi => ({
  filterInput: 'text',
  inlineEdit: true,
  formSchema: (f) => ({
    type: 'string',
    ...(f.maxLength ? { maxLength: f.maxLength } : {}),
    ...(format ? { format } : {}),
  }),
});
const computed = (filterInput: FilterInputKind): FieldUi => ({
  filterInput,
  inlineEdit: false,
  formSchema: () => ({}),
  field: 'readonlyValue',
});
const numeric = (type: 'number' | 'integer'): FieldUi => ({
  filterInput: 'number',
  inlineEdit: true,
  formSchema: (f) => ({
    type,
    ...(f.min !== undefined ? { minimum: f.min } : {}),
    ...(f.max !== undefined ? { maximum: f.max } : {}),
  }),
  widget: 'tesseraNumber',
});

export const FIELD_UI: Record<FieldType, FieldUi> = {
  text: text(),
  email: { ...text('email'), widget: 'email' },
  phone: text(),
  url: { ...text(), widget: 'uri' },
  textarea: { ...text(), filterInput: 'text', inlineEdit: false, widget: 'textarea' },
  richtext: { ...text(), inlineEdit: false, widget: 'richtext' },
  integer: numeric('integer'),
  number: numeric('number'),
  percent: numeric('number'),
  currency: {
    filterInput: 'number',
    inlineEdit: true,
    formSchema: () => ({
      type: 'object',
      properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
    }),
    field: 'currency',
    toForm: (value, record, f) =>
      value === null || value === undefined
        ? undefined
        : { amount: value, currency: record[`${f.apiName}__currency`] ?? undefined },
    fromForm: (value) => {
      const v = value as { amount?: number; currency?: string } | undefined;
      if (!v || v.amount === undefined || v.amount === null) return null;
      return v.currency ? { amount: v.amount, currency: v.currency } : v.amount;
    },
  },
  boolean: { filterInput: 'boolean', inlineEdit: true, formSchema: () => ({ type: 'boolean' }), widget: 'checkbox' },
  date: {
    filterInput: 'date',
    inlineEdit: true,
    formSchema: () => ({ type: 'string', format: 'date' }),
    widget: 'tesseraDate',
  },
  datetime: {
    filterInput: 'datetime',
    inlineEdit: false,
    formSchema: () => ({ type: 'string', format: 'date-time' }),
    widget: 'tesseraDateTime',
  },
  time: {
    filterInput: 'text',
    inlineEdit: true,
    formSchema: () => ({ type: 'string', pattern: '^\\d{2}:\\d{2}(:\\d{2})?$' }),
    widget: 'tesseraTime',
  },
  picklist: { filterInput: 'choice', inlineEdit: true, formSchema: () => ({ type: 'string' }), widget: 'picklist' },
  multipicklist: {
    filterInput: 'choice',
    inlineEdit: false,
    formSchema: () => ({ type: 'array', items: { type: 'string' }, uniqueItems: true }),
    widget: 'multipicklist',
  },
  lookup: {
    filterInput: 'lookup',
    inlineEdit: false,
    formSchema: () => ({ type: 'string' }),
    widget: 'lookup',
    toForm: (value) => (value && typeof value === 'object' ? (value as { id: string }).id : (value ?? undefined)),
  },
  masterDetail: {
    filterInput: 'lookup',
    inlineEdit: false,
    formSchema: () => ({ type: 'string' }),
    widget: 'lookup',
    toForm: (value) => (value && typeof value === 'object' ? (value as { id: string }).id : (value ?? undefined)),
  },
  autonumber: computed('text'),
  formula: computed('none'),
  rollup: computed('number'),
  json: { filterInput: 'none', inlineEdit: false, formSchema: () => ({}), field: 'json' },
  address: {
    filterInput: 'none',
    inlineEdit: false,
    formSchema: () => ({
      type: 'object',
      properties: Object.fromEntries(
        ['street', 'city', 'state', 'postalCode', 'country'].map((k) => [k, { type: 'string' }]),
      ),
    }),
    field: 'address',
    fromForm: (value) => {
      const parts = Object.entries((value ?? {}) as Record<string, string | undefined>).filter(
        ([, v]) => v !== undefined && v !== '',
      );
      return parts.length ? Object.fromEntries(parts) : null;
    },
  },
  geolocation: {
    filterInput: 'none',
    inlineEdit: false,
    formSchema: () => ({
      type: 'object',
      properties: {
        latitude: { type: 'number', minimum: -90, maximum: 90 },
        longitude: { type: 'number', minimum: -180, maximum: 180 },
      },
    }),
  },
};

export const isLookup = (f: FieldMeta) => f.type === 'lookup' || f.type === 'masterDetail';
