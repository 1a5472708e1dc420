import type { FieldDef, FieldType } from '../metadata/types.js';
import { address } from './address.js';
import { autonumber } from './autonumber.js';
import { boolean } from './boolean.js';
import { currency } from './currency.js';
import { date } from './date.js';
import { datetime } from './datetime.js';
import { email } from './email.js';
import type { ColumnSpec, FieldTypeDef } from './field-type.js';
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

/** The one registry of field types. Adding a FieldType fails to compile until it is listed here. */
export const FIELD_TYPE_DEFS: Record<FieldType, FieldTypeDef> = {
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
};

export function fieldType(field: Pick<FieldDef, 'type'>): FieldTypeDef {
  return FIELD_TYPE_DEFS[field.type];
}

/** The physical column name of one column of a field. */
export function columnName(field: Pick<FieldDef, 'apiName'>, column: ColumnSpec): string {
  return column.part ? `${field.apiName}__${column.part}` : field.apiName;
}

export const isRelation = (field: FieldDef) => field.type === 'lookup' || field.type === 'masterDetail';
