import type { FieldDef } from '../metadata/types.js';

/** A JSON Schema fragment (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

/** SQL text with `??` (identifier) and `?` (value) placeholders, and what to bind to them. */
export interface SqlFragment {
  sql: string;
  bindings: unknown[];
}

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

/** One physical column of a field. Composite fields (address) have several, named by suffix. */
export interface ColumnSpec {
  /** '' for the field's own column, else the part name: the column is `<apiName>__<part>`. */
  part: string;
  /** The Postgres type exactly as format_type() prints it, so the planner can compare strings. */
  sqlType: string;
}

/**
 * Everything the engine knows about one field type. One module per type implements it, and
 * fields/index.ts registers them in a Record<FieldType, FieldTypeDef> the compiler keeps complete.
 */
export interface FieldTypeDef {
  /** The physical columns the field needs. */
  columns(field: FieldDef): ColumnSpec[];
  /** JSON Schema of the type's own settings (maxLength, values, target …), merged into field.schema.json. */
  settings: Record<string, JsonSchema>;
  /** Settings a field of this type must have. */
  requiredSettings?: string[];
  /** JSON Schema of a non-null value of this field, as the API reads and writes it. */
  valueSchema(field: FieldDef): JsonSchema;
  /** Filter operators the field accepts; the query compiler refuses others. */
  operators: readonly FilterOperator[];
  /** Narrows `operators` for one field, where they depend on its settings (a formula's return type). */
  operatorsFor?(field: FieldDef): readonly FilterOperator[];
  /** Whether lists can sort by it. */
  sortable: boolean;
  /** The engine fills it (autonumber): clients may not write it. */
  readOnly?: boolean;
  /** Column values, in the order of columns(), for a value that passed valueSchema. */
  toColumns(value: unknown, field: FieldDef): unknown[];
  /** The API value from the column values as the pg driver returns them. */
  fromColumns(values: unknown[], field: FieldDef): unknown;
  /**
   * The value as JSON, built in SQL for lists (so rows go from Postgres to the client without
   * being decoded and re-encoded in JS). `cols` are the field's qualified columns, to be bound
   * with `??`; it must give exactly what fromColumns gives. Default: the first column as is.
   */
  jsonSql?(cols: string[], field: FieldDef): SqlFragment;
  /** JSON Schema of a value as reads answer it, where it differs from what writes accept. */
  readSchema?(field: FieldDef): JsonSchema;
  /** Values read beside the field's own, as `<apiName>__<key>` (a currency's ISO code). */
  companions?: Record<
    string,
    {
      read: (values: unknown[], field: FieldDef) => unknown;
      schema: JsonSchema;
      jsonSql: (cols: string[]) => SqlFragment;
    }
  >;
  /** The runtime UI widget that edits it by default. */
  widget: string;
}
