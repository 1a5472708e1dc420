import type { FieldDef, FieldType } from '../metadata/types.js';

/**
 * CSV cells, shared by export and the import's error report: RFC 4180 quoting, and formula
 * neutralising (OWASP "CSV injection"): a text cell a spreadsheet would run as a formula gets a
 * leading apostrophe. Numbers are never neutralised, so -12.50 stays a number; anything else that
 * starts with a trigger character does, however harmless it looks.
 */

/** Characters that make a spreadsheet read a cell as a formula (or shift it into one). */
const TRIGGER = /^[=+\-@\t\r]/;
/** Apostrophes then a trigger character: what a neutralised cell looks like. */
const APOSTROPHES_THEN_TRIGGER = /^'+[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * How a field's values travel in a CSV cell. A Record over FieldType, so a new type fails to
 * compile until it says how it is exported and imported; computed types go by their return type.
 */
export type CsvKind = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'list' | 'json';
const byReturnType = (f: Pick<FieldDef, 'returnType'>): CsvKind => {
  const t = f.returnType;
  return t === 'number' || t === 'currency' || t === 'percent'
    ? 'decimal'
    : t === 'boolean' || t === 'date' || t === 'datetime'
      ? t
      : 'text';
};
const CSV_KIND: Record<FieldType, CsvKind | ((f: Pick<FieldDef, 'returnType'>) => CsvKind)> = {
  text: 'text',
  textarea: 'text',
  richtext: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  integer: 'integer',
  number: 'decimal',
  currency: 'decimal',
  percent: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  time: 'text',
  picklist: 'text',
  multipicklist: 'list',
  lookup: 'text',
  masterDetail: 'text',
  autonumber: 'text',
  json: 'json',
  address: 'json',
  geolocation: 'json',
  formula: byReturnType,
  // A rollup without a date return type is a number.
  rollup: (f) => (f.returnType === 'date' || f.returnType === 'datetime' ? f.returnType : 'decimal'),
};

export function csvKind(field: Pick<FieldDef, 'type' | 'returnType'>): CsvKind {
  const kind = CSV_KIND[field.type];
  return typeof kind === 'function' ? kind(field) : kind;
}

/**
 * Prefixes `'` to text a spreadsheet would evaluate. Text that already looks neutralised gets one
 * too, so `unneutralise` is its exact inverse and a value round-trips through export and import.
 */
export function neutralise(text: string): string {
  return TRIGGER.test(text) || APOSTROPHES_THEN_TRIGGER.test(text) ? `'${text}` : text;
}

/** Undoes `neutralise`: the import reads back what the export wrote (and what a spreadsheet means by `'=`). */
export function unneutralise(text: string): string {
  return APOSTROPHES_THEN_TRIGGER.test(text) ? text.slice(1) : text;
}

/** RFC 4180: a cell holding a comma, quote, CR or LF is quoted, with its quotes doubled. */
export function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A cell of text-like content: neutralised, then quoted. */
export const textCell = (text: string): string => quote(neutralise(text));

/** A cell of a number field. Only a plain number is left as it is; anything else is text. */
export const numberCell = (value: number | string): string => {
  const text = String(value);
  return NUMBER.test(text) ? text : textCell(text);
};

/** One CSV line of ready-made cells, ended with CRLF as RFC 4180 says. */
export const csvLine = (cells: readonly string[]): string => `${cells.join(',')}\r\n`;
