import type { SqlFragment } from '../fields/field-type.js';
import { timestampJson } from '../fields/shared.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { remembered } from '../lib/remembered.js';

/** A record as JSON built by Postgres: the system fields, then the fields in definition order. */

export const SYSTEM_OUTPUT = [
  'id',
  'version',
  'owner_id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
] as const;

/** Pairs per json_build_object call: Postgres takes at most 100 arguments. */
const PAIRS_PER_CALL = 50;

function fieldJson(field: CompiledField, alias: string): SqlFragment {
  const cols = field.columns.map((c) => `${alias}.${c}`);
  return field.type.jsonSql?.(cols, field.def) ?? { sql: '??', bindings: [cols[0]] };
}

/** A lookup returned with some fields of its target: `{ id, …fields }`, or null. */
export interface Expansion {
  alias: string;
  fields: CompiledField[];
}

/**
 * A record's JSON key as an SQL literal. Keys are field API names (checked against
 * API_NAME_PATTERN when saved), system field names and `<field>__<companion>`: never input. As
 * literals they are part of the statement's text, which Postgres prepares once, rather than a
 * dozen parameters bound again on every request.
 */
function keyLiteral(key: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`"${key}" cannot be a record key`);
  return `'${key}'`;
}

/**
 * The SQL that renders a row as the same JSON record toRecord() gives, so a list page goes from
 * Postgres to the client as text. Objects with more than 50 keys are built in jsonb pieces.
 */
export function recordJsonSql(
  object: CompiledObject,
  alias: string,
  only?: ReadonlySet<string>,
  expand = new Map<string, Expansion>(),
): SqlFragment {
  const pairs: SqlFragment[] = [];
  const pair = (key: string, value: SqlFragment) =>
    pairs.push({ sql: `${keyLiteral(key)}, ${value.sql}`, bindings: value.bindings });
  for (const key of SYSTEM_OUTPUT) {
    const col = `${alias}.${key}`;
    pair(key, key === 'created_at' || key === 'updated_at' ? timestampJson(col) : { sql: '??', bindings: [col] });
  }
  for (const [name, field] of object.fields) {
    if (only && !only.has(name)) continue;
    const nested = expand.get(name);
    if (nested) {
      const inner = [
        { sql: "'id', ??", bindings: [`${alias}.${field.columns[0]}`] as unknown[] },
        ...nested.fields.map((f) => {
          const v = fieldJson(f, nested.alias);
          return { sql: `${keyLiteral(f.def.apiName)}, ${v.sql}`, bindings: v.bindings };
        }),
      ];
      pair(name, {
        sql: `case when ?? is null then null else json_build_object(${inner.map((p) => p.sql).join(', ')}) end`,
        bindings: [`${alias}.${field.columns[0]}`, ...inner.flatMap((p) => p.bindings)],
      });
    } else {
      pair(name, fieldJson(field, alias));
    }
    const cols = field.columns.map((c) => `${alias}.${c}`);
    for (const [key, companion] of Object.entries(field.type.companions ?? {}))
      pair(`${name}__${key}`, companion.jsonSql(cols));
  }
  const calls: SqlFragment[] = [];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_CALL) {
    const chunk = pairs.slice(i, i + PAIRS_PER_CALL);
    calls.push({
      sql: `${pairs.length > PAIRS_PER_CALL ? 'jsonb' : 'json'}_build_object(${chunk.map((p) => p.sql).join(', ')})`,
      bindings: chunk.flatMap((p) => p.bindings),
    });
  }
  return { sql: `(${calls.map((c) => c.sql).join(' || ')})::text`, bindings: calls.flatMap((c) => c.bindings) };
}

// A release's compiled objects are frozen, so each one's rendering per alias and set of fields
// is remembered with it.
const renderings = new WeakMap<CompiledObject, Map<string, SqlFragment>>();

/** recordJsonSql of the object's own fields (no expansions), remembered per alias and field set. */
export function recordJson(object: CompiledObject, alias: string, only?: ReadonlySet<string>): SqlFragment {
  return remembered(renderings, object, `${alias}:${fieldsKey(only)}`, () => recordJsonSql(object, alias, only));
}

/** A field set as a cache key: '*' for all. */
export const fieldsKey = (only: Iterable<string> | undefined): string => (only ? [...only].join(',') : '*');
