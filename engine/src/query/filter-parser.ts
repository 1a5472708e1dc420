import { badRequest, type ErrorCode } from '../errors.js';
import { UUID } from '../lib/ids.js';
import { isDateLiteral } from './date-literals.js';
import type { FilterOperator } from '../fields/field-type.js';
import { FILTER_OPERATORS } from '../fields/field-type.js';
import { unstorableValue } from '../fields/shared.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';

/**
 * Stage 1 of a list request: the filter JSON → a checked tree. Every field name is looked up in
 * the compiled object, every operator in the field type's list, every value checked against the
 * field's JSON Schema. What comes out can only name real columns and carry typed values.
 *
 *   filter   := { "and": [filter…] } | { "or": [filter…] } | { "not": filter } | { field: cond, … }
 *   cond     := { op: value, … } | value            (a bare value means eq)
 */

export type FilterNode = { kind: 'and' | 'or'; items: FilterNode[] } | { kind: 'not'; item: FilterNode } | Condition;

/** One checked condition, as plain data: the columns it reads and the values to bind. */
export interface Condition {
  kind: 'cond';
  /** The field as the filter names it: `amount`, `account.industry`. */
  path: string;
  /** The field's columns (a composite field has several). */
  columns: string[];
  /** Set for a condition through a lookup: the join's alias. */
  alias?: string;
  op: FilterOperator;
  /**
   * The value as the column holds it (each element of in, nin and between); date literals such
   * as `this_quarter` as written, since their range depends on the day the query runs.
   */
  value: unknown;
  /** date and datetime columns take date literals; multi is a multipicklist's text[] column. */
  compare: 'plain' | 'date' | 'datetime' | 'multi';
}

/** System columns can be filtered and sorted like fields. */
export interface SystemField {
  system: true;
  name: string;
  columns: [string];
  kind: 'uuid' | 'datetime' | 'integer';
}

export const SYSTEM_FIELDS: Record<string, SystemField> = Object.fromEntries(
  (
    [
      ['id', 'uuid'],
      ['owner_id', 'uuid'],
      ['created_by', 'uuid'],
      ['updated_by', 'uuid'],
      ['created_at', 'datetime'],
      ['updated_at', 'datetime'],
      ['version', 'integer'],
    ] as const
  ).map(([name, kind]) => [name, { system: true, name, columns: [name], kind }]),
);
const SYSTEM_OPERATORS: Record<SystemField['kind'], readonly FilterOperator[]> = {
  uuid: ['eq', 'ne', 'in', 'nin', 'isNull'],
  datetime: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between'],
};

const MAX_DEPTH = 12;
const MAX_CONDITIONS = 200;
const MAX_IN_VALUES = 1000;

export const isSystem = (f: CompiledField | SystemField): f is SystemField => 'system' in f;
const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function lookupField(object: CompiledObject, name: string): CompiledField | SystemField | undefined {
  if (own(SYSTEM_FIELDS, name)) return SYSTEM_FIELDS[name];
  return object.fields.get(name);
}

function fail(path: string, code: ErrorCode, message: string): never {
  throw badRequest(`filter is not valid: ${message}`, [{ field: path, code, message }]);
}

function checkText(value: unknown, path: string): void {
  const problem = unstorableValue(value);
  if (problem) fail(path + problem.path, problem.code, `the value ${problem.message}, so it can never match`);
}

const INT4 = { min: -2147483648, max: 2147483647 };
// Offsets to ±15:59 and seconds to 59: what Postgres accepts.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](?:0\d|1[0-5]):[0-5]\d))?$/;

/** A date or RFC 3339 date-time Postgres will take: a real calendar day in years 1 to 9999. */
function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return m[4] === undefined || (Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59);
}

function checkScalar(field: CompiledField | SystemField, value: unknown, path: string, literalOk = false): void {
  checkText(value, path);
  if (isSystem(field)) {
    if (field.kind === 'datetime' && literalOk && isDateLiteral(value)) return;
    const ok =
      field.kind === 'uuid'
        ? typeof value === 'string' && UUID.test(value)
        : field.kind === 'integer'
          ? Number.isInteger(value) && (value as number) >= INT4.min && (value as number) <= INT4.max
          : isTimestamp(value);
    if (!ok) fail(path, 'type', `${field.name} needs a ${field.kind} value`);
    return;
  }
  if (isDateLiteral(value) && field.type.value?.temporal !== undefined && literalOk) return;
  // multipicklist operators take single choices
  const check = field.type.multiValued ? (v: unknown) => field.validate([v]) : field.validate;
  if (!check(value))
    fail(path, 'type', `${JSON.stringify(value)} is not a valid ${field.def.type} value for ${field.def.apiName}`);
}

/** Resolves a field name or a lookup path (`account.industry`); see paths.ts. */
export type ResolvePath = (path: string) => { field: CompiledField | SystemField; alias?: string } | undefined;

export function parseFilter(object: CompiledObject, input: unknown, resolve?: ResolvePath): FilterNode | undefined {
  const find: ResolvePath =
    resolve ??
    ((name) => {
      const field = lookupField(object, name);
      return field && { field };
    });
  if (input === undefined || input === null || input === '') return undefined;
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      fail('filter', 'json', 'filter must be JSON');
    }
  }
  let conditions = 0;
  const walk = (node: unknown, path: string, depth: number): FilterNode => {
    if (depth > MAX_DEPTH) fail(path, 'depth', `filter is nested deeper than ${MAX_DEPTH} levels`);
    if (!isPlainObject(node)) fail(path, 'type', 'a filter is a JSON object');
    const keys = Object.keys(node);
    if (keys.length === 0) fail(path, 'empty', 'a filter object needs at least one key');
    const items: FilterNode[] = [];
    for (const key of keys) {
      const value = node[key];
      const at = `${path}/${key}`;
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(value) || value.length === 0)
          fail(at, 'type', `"${key}" takes a non-empty array of filters`);
        items.push({ kind: key, items: value.map((v, i) => walk(v, `${at}/${i}`, depth + 1)) });
      } else if (key === 'not') {
        items.push({ kind: 'not', item: walk(value, at, depth + 1) });
      } else {
        const resolved = find(key);
        const field = resolved?.field;
        if (!field) fail(at, 'unknownField', `"${key}" is not a field of ${object.def.apiName}`);
        const conds = isPlainObject(value) ? value : { eq: value };
        // knex would drop an empty group from the SQL, turning {"not": {"amount": {}}} into "everything"
        if (Object.keys(conds).length === 0) fail(at, 'empty', `"${key}" needs at least one operator`);
        for (const op of Object.keys(conds)) {
          if (++conditions > MAX_CONDITIONS) fail(at, 'size', `a filter holds at most ${MAX_CONDITIONS} conditions`);
          const node = condition(field, op, conds[op], `${at}/${op}`);
          items.push(resolved.alias ? { ...node, path: key, alias: resolved.alias } : node);
        }
      }
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  return walk(raw, '', 0);
}

function condition(field: CompiledField | SystemField, op: string, value: unknown, path: string): Condition {
  const name = isSystem(field) ? field.name : field.def.apiName;
  const allowed = isSystem(field) ? SYSTEM_OPERATORS[field.kind] : field.operators;
  if (!(FILTER_OPERATORS as readonly string[]).includes(op))
    fail(path, 'unknownOperator', `"${op}" is not a filter operator`);
  if (!allowed.includes(op as FilterOperator)) {
    const why = !isSystem(field) && field.type.encryption ? ': it is encrypted, so only its exact value is found' : '';
    fail(path, 'operator', `operator "${op}" does not apply to ${name}${why} (use ${allowed.join(', ')})`);
  }
  const operator = op as FilterOperator;
  switch (operator) {
    case 'isNull':
      if (typeof value !== 'boolean') fail(path, 'type', 'isNull takes true or false');
      break;
    case 'in':
    case 'nin':
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
        fail(path, 'type', `${op} takes an array of 1 to ${MAX_IN_VALUES} values`);
      }
      value.forEach((v, i) => checkScalar(field, v, `${path}/${i}`));
      break;
    case 'between':
      if (!Array.isArray(value) || value.length !== 2) fail(path, 'type', 'between takes [low, high]');
      value.forEach((v, i) => checkScalar(field, v, `${path}/${i}`, true));
      break;
    case 'contains':
      if (!isSystem(field) && field.type.multiValued) {
        if (!Array.isArray(value) || value.length === 0)
          fail(path, 'type', 'contains on a multipicklist takes an array of values');
        value.forEach((v, i) => checkScalar(field, v, `${path}/${i}`));
      } else if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
        fail(path, 'type', `${op} takes a string of 1 to 255 characters`);
      } else {
        checkText(value, path);
      }
      break;
    case 'startsWith':
      if (typeof value !== 'string' || value.length === 0 || value.length > 255)
        fail(path, 'type', `${op} takes a string of 1 to 255 characters`);
      checkText(value, path);
      break;
    default:
      if (value === null) fail(path, 'type', `use isNull to match empty values`);
      checkScalar(field, value, path, true);
  }
  if (!isSystem(field) && field.type.encryption && operator !== 'isNull')
    return blindMatch(field, operator, value, name);
  const compare = compareOf(field);
  const bound = (v: unknown) =>
    (compare === 'date' || compare === 'datetime') && isDateLiteral(v) ? v : columnValue(field, v);
  const converted =
    operator === 'isNull' || operator === 'contains' || operator === 'startsWith' || compare === 'multi'
      ? value
      : Array.isArray(value)
        ? value.map(bound)
        : bound(value);
  return { kind: 'cond', path: name, columns: [...field.columns], op: operator, value: converted, compare };
}

/**
 * Equality on an encrypted field compares its blind index with the value's index under every
 * key (rows not yet rotated still match): eq and in become in, ne and nin become nin.
 */
function blindMatch(field: CompiledField, op: FilterOperator, value: unknown, name: string): Condition {
  const { encryption } = field.type;
  const values = (Array.isArray(value) ? value : [value]).flatMap((v) => encryption!.matchValues(v, field.def));
  return {
    kind: 'cond',
    path: name,
    columns: [`${field.def.apiName}__${encryption!.indexPart}`],
    op: op === 'eq' || op === 'in' ? 'in' : 'nin',
    value: values,
    compare: 'plain',
  };
}

function compareOf(field: CompiledField | SystemField): Condition['compare'] {
  if (isSystem(field)) return field.kind === 'datetime' ? 'datetime' : 'plain';
  if (field.type.multiValued) return 'multi';
  return field.type.value?.temporal ?? 'plain';
}

/** A checked API value as its (first) column holds it. */
const columnValue = (field: CompiledField | SystemField, value: unknown): unknown =>
  isSystem(field) ? value : field.type.toColumns(value, field.def)[0];
