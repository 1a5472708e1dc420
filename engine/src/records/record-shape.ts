import type { CompiledObject } from '../metadata/compile.js';
import type { Label } from '../metadata/types.js';
import { SYSTEM_OUTPUT } from '../query/record-json.js';

/** Row ↔ API record. A record is keyed by field apiName plus the system fields. */

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

export function toRecord(object: CompiledObject, row: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const key of SYSTEM_OUTPUT) record[key] = iso(row[key]);
  for (const [name, field] of object.fields) {
    const values = field.columns.map((c) => row[c]);
    record[name] = field.type.fromColumns(values, field.def);
    for (const [key, companion] of Object.entries(field.type.companions ?? {}))
      record[`${name}__${key}`] = companion.read(values, field.def);
  }
  return record;
}

/** The columns a select needs for the given fields (all when `only` is undefined). */
export function selectColumns(object: CompiledObject, alias?: string, only?: ReadonlySet<string>): string[] {
  const cols: string[] = [...SYSTEM_OUTPUT];
  for (const [name, field] of object.fields) {
    if (only && !only.has(name)) continue;
    cols.push(...field.columns);
  }
  return alias ? cols.map((c) => `${alias}.${c}`) : cols;
}

/** A label in the caller's language: exact locale, then its language, then English, then any. */
export function localize(label: Label | undefined, locale: string): string {
  if (label === undefined) return '';
  if (typeof label === 'string') return label;
  const language = locale.split('-')[0]!;
  return (
    label[locale] ??
    Object.entries(label).find(([k]) => k.split('-')[0] === language)?.[1] ??
    label.en ??
    Object.values(label)[0] ??
    ''
  );
}

/**
 * Column values for validated field values (composite fields fill several columns). An amount
 * written without a currency code is stored with the corporate currency's.
 */
export function toColumnValues(
  object: CompiledObject,
  values: Map<string, unknown>,
  corporate: string,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, value] of values) {
    const field = object.fields.get(name)!;
    const cols = value === null ? field.columns.map(() => null) : field.type.toColumns(value, field.def, corporate);
    field.columns.forEach((c, i) => (row[c] = cols[i] ?? null));
  }
  return row;
}
