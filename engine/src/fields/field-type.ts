import type { FieldError } from '../errors.js';
import type { FieldDef, FieldType, FormulaReturnType, ObjectDef, OnDelete } from '../metadata/types.js';

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

/** Aggregates over a field besides count. */
export type AggregateFn = 'sum' | 'avg' | 'min' | 'max';

/**
 * How a value travels in a CSV cell (records/csv-import.ts reads each kind, csv-export.ts writes
 * it): free text keeps its spaces, a token (an e-mail, an id, a time) is trimmed, a choice may be
 * written as its label, choices are `;`-separated, json is JSON text.
 */
export type CsvKind =
  'text' | 'token' | 'choice' | 'choices' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'json';

/** What a formula computes with when it reads a field (rules/formula-sql.ts). */
export type FormulaKind = 'number' | 'text' | 'boolean' | 'date' | 'timestamp';

/**
 * What a value of a type takes part in: filters, aggregates and CSV. A computed type (formula,
 * rollup) has none of its own: its `valueType` names the type whose facts its values have, and
 * `factsOf(field)` (fields/index.ts) reads them for either.
 */
export interface ValueFacts {
  /** Filter operators the field accepts; the query compiler refuses others. */
  operators: readonly FilterOperator[];
  /** Aggregates (and dashboards) can group by it. */
  groupable: boolean;
  /** Aggregates over it besides count. */
  aggregates: readonly AggregateFn[];
  /** How a CSV cell holds it. */
  csv: CsvKind;
  /** A date (no time zone) or an instant: groups by it take a bucket (day … year). */
  temporal?: 'date' | 'datetime';
}

/** What a check across the whole configuration sees (a rollup looks at its child object). */
export interface SnapshotCheckContext {
  object: ObjectDef;
  objects: ReadonlyMap<string, ObjectDef>;
  typeOf: (field: FieldDef) => FieldTypeDef;
}

/** A reference to a record of the object named by the field's `target` setting. */
export interface RelationFacts {
  /** What deleting the referenced record does to this one. */
  onDelete(field: FieldDef): OnDelete;
  /** The field can never be empty: normalisation marks it required. */
  alwaysRequired?: boolean;
}

/**
 * Everything the engine knows about one field type. One module per type implements it, and
 * fields/index.ts registers them in FIELD_TYPE_DEFS, whose keys are FieldType. Other modules ask
 * these properties (through the helpers in fields/index.ts), never the type's name.
 */
export type FieldTypeDef = FieldTypeBase &
  (
    | { value: ValueFacts; valueType?: never }
    | {
        value?: never;
        /** The type whose value facts this field's values have (a formula's return type). */
        valueType(field: FieldDef): FieldType;
      }
  );

interface FieldTypeBase {
  /** The physical columns the field needs. */
  columns(field: FieldDef): ColumnSpec[];
  /** JSON Schema of the type's own settings (maxLength, values, target …), merged into field.schema.json. */
  settings: Record<string, JsonSchema>;
  /** Settings a field of this type must have. */
  requiredSettings?: string[];
  /** JSON Schema of a non-null value of this field, as the API reads and writes it. */
  valueSchema(field: FieldDef): JsonSchema;
  /** Whether lists can sort by it. */
  sortable: boolean;
  /** The engine fills it (autonumber, formula, rollup): clients may not write it. */
  readOnly?: boolean;
  /**
   * Column values, in the order of columns(), for a value that passed valueSchema. `corporate` is
   * the tenant's corporate currency, where a write knows it.
   */
  toColumns(value: unknown, field: FieldDef, corporate?: string): unknown[];
  /** The API value from the column values as the pg driver returns them. */
  fromColumns(values: unknown[], field: FieldDef): unknown;
  /**
   * What rules (validation rules, layout rules) see of a value as written, when it differs from
   * the value sent — the amount of a currency written as { amount, currency } — so a rule reads
   * a new value as it reads a saved one (fromColumns).
   */
  ruleValue?: (value: unknown) => unknown;
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
      read: (values: unknown[], field: FieldDef) => string | number | boolean | null;
      schema: JsonSchema;
      jsonSql: (cols: string[]) => SqlFragment;
    }
  >;
  /** The runtime UI widget that edits it (runtime-ui/src/form/widgets/index.ts draws each). */
  widget: string;
  /** An empty string is a value of its own, not the same as no value (plain text). */
  keepsEmptyString?: boolean;
  /** Values are arbitrary JSON, so a default shaped like `{ "formula": … }` is a value, not a computed default. */
  anyJson?: boolean;
  /** A value is a list held in one array column: filters test membership. */
  multiValued?: boolean;
  /** Global search can match it by substring (one text column; searchable fields get a trigram index). */
  textSearch?: boolean;
  /** It can be an object's name field: what people recognise a record by. */
  nameField?: boolean;
  /** What a formula computes with when it reads the field; absent: formulas cannot read it. */
  formulaKind?: FormulaKind;
  /** It points at a record of another object (a foreign key, related lists, delete rules). */
  relation?: RelationFacts;
  /** It summarises records of its `child` object (a rollup): their writes refresh it. */
  summarisesChildren?: boolean;
  /**
   * The value is stored encrypted (fields/encrypted.ts): equality is tested on the blind index
   * column `<apiName>__<indexPart>`, against every key's index of the value (`matchValues`).
   */
  encryption?: {
    indexPart: string;
    matchValues(value: unknown, field: FieldDef): string[];
  };
  /** The column is generated by the database from a json-logic expression (rules/formula-sql.ts). */
  generatedFrom?(field: FieldDef): { expression: unknown; returnType: FormulaReturnType; pointer: string };
  /** The column's default takes the next number of a sequence, formatted (autonumber). */
  sequence?(field: FieldDef): { prefix: string; digits: number; suffix: string; startAt: number };
  /** What a JSON Schema cannot say about one field's settings; pointers relative to the field. */
  check?(field: FieldDef): FieldError[];
  /** Checks that need the other objects of the configuration; pointers relative to the field. */
  checkInSnapshot?(field: FieldDef, ctx: SnapshotCheckContext): FieldError[];
}
