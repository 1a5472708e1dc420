import type { RJSFSchema } from '@rjsf/utils';
import type { ComponentType, KeyboardEvent } from 'react';
import type { FieldMeta, FieldType } from '../api/metadata.api';
import {
  EmailDisplay,
  LookupDisplay,
  MoneyDisplay,
  MultilineDisplay,
  MultiPicklistDisplay,
  PhoneDisplay,
  PicklistDisplay,
  RichTextDisplay,
  UrlDisplay,
} from './displays';
import { formatDate, formatDateTime, formatNumber, htmlText, picklistLabel } from './format';
import {
  CheckboxEditor,
  DateEditor,
  DecimalEditor,
  IntegerEditor,
  PicklistEditor,
  TextEditor,
  TimeEditor,
} from './inline-editors';
import { moneyText } from './money';

/**
 * What the runtime UI does with each field type, in one table the compiler keeps complete:
 * FieldType comes from the engine's registry (api/field-types.generated.ts), so a type the engine
 * adds fails to compile here until it says how it is shown, formatted, edited and filtered. The
 * form control is not here: the engine names one per field (FieldMeta.widget, drawn by
 * form/widgets/index.ts). A formula or rollup is shown and filtered as its return type (uiOf).
 */

/** The value input a filter condition on this field needs. */
export type FilterInputKind = 'text' | 'number' | 'date' | 'datetime' | 'choice' | 'boolean' | 'lookup' | 'none';

export interface ValueContext {
  field: FieldMeta;
  lng: string;
  /** The record the value is from, where there is one (a currency amount's code is beside it). */
  record?: Record<string, unknown>;
  /** The tenant's corporate currency: what a computed amount is in. */
  corporate?: string;
}

export interface DisplayProps {
  field: FieldMeta;
  value: unknown;
  record?: Record<string, unknown>;
  /** The value's text (FieldUi.text). */
  text: string;
}

export interface InlineEditorProps {
  field: FieldMeta;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Enter saves, Escape cancels. */
  onKeyDown: (e: KeyboardEvent) => void;
  label: string;
}

export interface FieldUi {
  /** A value that is not empty as plain text: charts, history, titles, and the default display. */
  text: (value: unknown, ctx: ValueContext) => string;
  /** How a value is shown on screen; without it, its text. */
  Display?: ComponentType<DisplayProps>;
  filterInput: FilterInputKind;
  /** One of a list of values, or several: choice inputs, kanban columns and stage paths take the first. */
  choice?: 'one' | 'many';
  /** An amount with a currency code: shown as money, summed in the corporate currency by aggregates. */
  money?: boolean;
  /** The in-place editor of table cells and mass update; without it, they do not edit the field. */
  InlineEditor?: ComponentType<InlineEditorProps>;
  /** Takes a whole row in a two-column section (long text, addresses). */
  wide?: boolean;
  /** Never empty (a checkbox is on or off), so a form does not mark it required. */
  alwaysHasValue?: boolean;
  /** Not offered as a list column. */
  notAColumn?: boolean;
  /** A kanban column totals the first field of the lowest rank (money before plain numbers). */
  kanbanTotal?: number;
  /** Shown on kanban cards, below the name. */
  cardDetail?: boolean;
  /** JSON Schema of the value in the form (may differ from the API's: currency is amount + code). */
  formSchema(field: FieldMeta): RJSFSchema;
  /** The API value → the form value, and back. Default: as is. */
  toForm?(value: unknown, record: Record<string, unknown>, field: FieldMeta): unknown;
  fromForm?(value: unknown): unknown;
}

const asText = (value: unknown) => String(value);
const asNumber = (value: unknown, { lng }: ValueContext) =>
  typeof value === 'number' ? formatNumber(value, lng) : String(value);
/** A lookup as the list answers it, { id, name } with its target's name joined, or its id alone. */
const lookupText = (value: unknown) => {
  if (typeof value === 'string') return value;
  const { id, name } = value as { id: string; name?: string | null };
  return name ?? id;
};

const text = (format?: string): FieldUi => ({
  text: asText,
  filterInput: 'text',
  InlineEditor: TextEditor,
  formSchema: (f) => ({
    type: 'string',
    ...(f.maxLength ? { maxLength: f.maxLength } : {}),
    ...(format ? { format } : {}),
  }),
});
const numeric = (type: 'number' | 'integer'): FieldUi => ({
  text: asNumber,
  filterInput: 'number',
  InlineEditor: type === 'integer' ? IntegerEditor : DecimalEditor,
  formSchema: (f) => ({
    type,
    ...(f.min !== undefined ? { minimum: f.min } : {}),
    ...(f.max !== undefined ? { maximum: f.max } : {}),
  }),
});
const lookup: FieldUi = {
  text: lookupText,
  Display: LookupDisplay,
  filterInput: 'lookup',
  formSchema: () => ({ type: 'string' }),
  toForm: (value) => (value && typeof value === 'object' ? (value as { id: string }).id : (value ?? undefined)),
};
/** Filled in by the engine: never edited. `shownAs` is what its values look like without a return type. */
const computed = (shownAs: FieldUi): FieldUi => ({
  text: shownAs.text,
  filterInput: shownAs.filterInput,
  formSchema: () => ({}),
});

export const FIELD_UI: Record<FieldType, FieldUi> = {
  text: text(),
  email: { ...text('email'), Display: EmailDisplay },
  phone: { ...text(), Display: PhoneDisplay },
  url: { ...text(), Display: UrlDisplay },
  textarea: { ...text(), Display: MultilineDisplay, InlineEditor: undefined, wide: true },
  richtext: {
    ...text(),
    text: (value) => htmlText(String(value)),
    Display: RichTextDisplay,
    InlineEditor: undefined,
    wide: true,
  },
  integer: numeric('integer'),
  number: { ...numeric('number'), kanbanTotal: 2 },
  percent: { ...numeric('number'), text: (value, { lng }) => `${formatNumber(Number(value), lng)} %` },
  currency: {
    text: moneyText,
    Display: MoneyDisplay,
    filterInput: 'number',
    money: true,
    InlineEditor: DecimalEditor,
    kanbanTotal: 1,
    formSchema: () => ({
      type: 'object',
      properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
    }),
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
  boolean: {
    text: (value) => (value ? '✓' : '✗'),
    filterInput: 'boolean',
    InlineEditor: CheckboxEditor,
    alwaysHasValue: true,
    formSchema: () => ({ type: 'boolean' }),
  },
  date: {
    text: (value) => formatDate(String(value)),
    filterInput: 'date',
    InlineEditor: DateEditor,
    formSchema: () => ({ type: 'string', format: 'date' }),
  },
  datetime: {
    text: (value) => formatDateTime(String(value)),
    filterInput: 'datetime',
    formSchema: () => ({ type: 'string', format: 'date-time' }),
  },
  time: {
    text: asText,
    filterInput: 'text',
    InlineEditor: TimeEditor,
    formSchema: () => ({ type: 'string', pattern: '^\\d{2}:\\d{2}(:\\d{2})?$' }),
  },
  picklist: {
    text: (value, { field, lng }) => picklistLabel(field, String(value), lng),
    Display: PicklistDisplay,
    filterInput: 'choice',
    choice: 'one',
    InlineEditor: PicklistEditor,
    formSchema: () => ({ type: 'string' }),
  },
  multipicklist: {
    text: (value, { field, lng }) => (value as string[]).map((v) => picklistLabel(field, v, lng)).join(', '),
    Display: MultiPicklistDisplay,
    filterInput: 'choice',
    choice: 'many',
    formSchema: () => ({ type: 'array', items: { type: 'string' }, uniqueItems: true }),
  },
  lookup: { ...lookup, cardDetail: true },
  masterDetail: lookup,
  autonumber: computed(text()),
  formula: computed(text()),
  rollup: computed(numeric('number')),
  json: {
    text: (value) => JSON.stringify(value),
    filterInput: 'none',
    notAColumn: true,
    formSchema: () => ({}),
  },
  address: {
    text: (value) =>
      Object.values(value as Record<string, string | null>)
        .filter(Boolean)
        .join(', '),
    filterInput: 'none',
    wide: true,
    formSchema: () => ({
      type: 'object',
      properties: Object.fromEntries(
        ['street', 'city', 'state', 'postalCode', 'country'].map((k) => [k, { type: 'string' }]),
      ),
    }),
    fromForm: (value) => {
      const parts = Object.entries((value ?? {}) as Record<string, string | undefined>).filter(
        ([, v]) => v !== undefined && v !== '',
      );
      return parts.length ? Object.fromEntries(parts) : null;
    },
  },
  geolocation: {
    text: (value) => {
      const g = value as { latitude: number; longitude: number };
      return `${g.latitude}, ${g.longitude}`;
    },
    filterInput: 'none',
    formSchema: () => ({
      type: 'object',
      properties: {
        latitude: { type: 'number', minimum: -90, maximum: 90 },
        longitude: { type: 'number', minimum: -180, maximum: 180 },
      },
    }),
  },
};

/** How a field's values are shown and filtered: its return type's way for a formula or rollup. */
export const uiOf = (field: FieldMeta): FieldUi => FIELD_UI[field.returnType ?? field.type];

/** The text of any value of the field, for places that cannot hold components (charts, titles, history). */
export function valueText(
  field: FieldMeta,
  value: unknown,
  lng: string,
  record?: Record<string, unknown>,
  corporate?: string,
): string {
  if (value === null || value === undefined || value === '') return '';
  return uiOf(field).text(value, { field, lng, record, corporate });
}

/** Whether table cells and mass update can edit the field in place. */
export const editsInline = (field: FieldMeta) => FIELD_UI[field.type].InlineEditor !== undefined && !field.readOnly;

/** A lookup or master-detail: it points at a record of its target object. */
export const isLookup = (f: FieldMeta) => f.target !== undefined;
