import type { FieldDef, OnDelete } from '../metadata/types.js';
import { address } from './address.js';
import { autonumber } from './autonumber.js';
import { boolean } from './boolean.js';
import { currency } from './currency.js';
import { date } from './date.js';
import { datetime } from './datetime.js';
import { email } from './email.js';
import { encryptedVariant } from './encrypted.js';
import type { ColumnSpec, FieldTypeDef, ValueFacts } from './field-type.js';
import { formula } from './formula.js';
import { geolocation } from './geolocation.js';
import { integer } from './integer.js';
import { json } from './json.js';
import { lookup } from './lookup.js';
import { masterDetail } from './master-detail.js';
import { multipicklist } from './multipicklist.js';
import { number } from './number.js';
import { percent } from './percent.js';
import { phone } from './phone.js';
import { picklist } from './picklist.js';
import { richtext } from './richtext.js';
import { rollup } from './rollup.js';
import { text } from './text.js';
import { textarea } from './textarea.js';
import { time } from './time.js';
import { url } from './url.js';

/**
 * The one registry of field types, and the one list of their names: FieldType is its keys, so a
 * type added here is a type everywhere (metadata schema, runtime UI), and one missing from any
 * Record<FieldType, …> fails to compile.
 */
export const FIELD_TYPE_DEFS = {
  text,
  textarea,
  richtext,
  email,
  phone,
  url,
  integer,
  number,
  currency,
  percent,
  boolean,
  date,
  datetime,
  time,
  picklist,
  multipicklist,
  lookup,
  masterDetail,
  autonumber,
  json,
  address,
  geolocation,
  formula,
  rollup,
} satisfies Record<string, FieldTypeDef>;

export type FieldType = keyof typeof FIELD_TYPE_DEFS;
export const FIELD_TYPES = Object.keys(FIELD_TYPE_DEFS) as readonly FieldType[];

/** A field's type; for an `encrypted` field, the encrypted form of it (fields/encrypted.ts). */
export function fieldType(field: Pick<FieldDef, 'type'> & { encrypted?: boolean }): FieldTypeDef {
  const def: FieldTypeDef = FIELD_TYPE_DEFS[field.type];
  return field.encrypted && 'encrypted' in def.settings ? encryptedVariant(def) : def;
}

/** The facts of a field's values: its own type's, or for a computed field those of its value type. */
export function factsOf(field: FieldDef): ValueFacts {
  const def = fieldType(field);
  if (def.value) return def.value;
  const facts = fieldType({ type: def.valueType(field) }).value;
  if (!facts) throw new Error(`${field.type} gives values of another computed type`);
  return facts;
}

/** The physical column name of one column of a field. */
export function columnName(field: Pick<FieldDef, 'apiName'>, column: ColumnSpec): string {
  return column.part ? `${field.apiName}__${column.part}` : field.apiName;
}

/**
 * The column that decides whether two values of a field are equal (a unique field's index, a
 * clash between rows): its first column, or an encrypted field's blind index. `at` is its place
 * in columns() and toColumns().
 */
export function equalityColumn(field: FieldDef): { name: string; at: number } {
  const type = fieldType(field);
  const columns = type.columns(field);
  const at = type.encryption ? columns.findIndex((c) => c.part === type.encryption!.indexPart) : 0;
  return { name: columnName(field, columns[at]!), at };
}

/** A lookup or master-detail: it points at a record of its `target` object. */
export const isRelation = (field: FieldDef) => fieldType(field).relation !== undefined;

/** What deleting the record a relation points at does to the record holding it. */
export const onDeleteOf = (field: FieldDef): OnDelete | undefined => fieldType(field).relation?.onDelete(field);

/** A rollup: writes to records of its `child` object refresh it. */
export const summarisesChildren = (field: FieldDef) => fieldType(field).summarisesChildren === true;

/** An amount with its currency code beside it, which aggregates can convert to the corporate currency. */
export const carriesCurrency = (field: FieldDef) => fieldType(field).companions?.currency !== undefined;

/** A default given as { "formula": <json-logic> } is computed for each new record. */
const isFormulaDefault = (value: unknown): value is { formula: unknown } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  'formula' in value;

/** The default is json-logic worked out per record, rather than a value (which a json field may hold). */
export const hasComputedDefault = (field: FieldDef): field is FieldDef & { default: { formula: unknown } } =>
  isFormulaDefault(field.default) && !fieldType(field).anyJson;

/** Whether an aggregate function (sum, avg, min, max) applies to the field's values. */
export const aggregateApplies = (fn: string, field: FieldDef) =>
  (factsOf(field).aggregates as readonly string[]).includes(fn);
