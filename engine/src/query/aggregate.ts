import type { Knex } from 'knex';
import { badRequest } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { applyFilter } from './filter-compiler.js';
import { parseFilter } from './filter-parser.js';

/**
 * Aggregates for dashboards: GROUP BY up to two fields (dates by day, week, month, quarter or
 * year) with count, sum, avg, min and max, under the same filter language as lists. One statement.
 *
 *   ?groupBy=stage,close_date:month&metrics=count,sum:amount&filter={…}
 *   → { data: [{ "stage": "won", "close_date:month": "2026-11-01", "count": 3, "sum:amount": 1200 }] }
 */

const BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
const GROUPABLE = new Set(['text', 'email', 'phone', 'url', 'picklist', 'boolean', 'lookup', 'masterDetail', 'integer', 'autonumber', 'date', 'datetime']);
const NUMERIC = new Set(['integer', 'number', 'currency', 'percent']);
const ORDERED = new Set([...NUMERIC, 'date', 'datetime', 'time']);
const MAX_GROUPS = 2000;
const AGGREGATE_SQL = { sum: 'sum(??)', avg: 'avg(??)', min: 'min(??)', max: 'max(??)' } as const;

type Metric = { key: string; fn: 'count' | keyof typeof AGGREGATE_SQL; field?: CompiledField };
type Group = { key: string; field: CompiledField; bucket?: (typeof BUCKETS)[number] };

const refuse = (field: string, code: string, message: string) => badRequest(message, [{ field, code, message }]);

function parseGroups(object: CompiledObject, input: unknown): Group[] {
  if (input === undefined || input === '') return [];
  if (typeof input !== 'string') throw refuse('groupBy', 'type', 'groupBy is a comma-separated list');
  const groups = input.split(',').map((key): Group => {
    const [name, bucket] = key.split(':');
    const field = object.fields.get(name!);
    if (!field) throw refuse('groupBy', 'unknownField', `"${name}" is not a field of ${object.def.apiName}`);
    if (!GROUPABLE.has(field.def.type)) throw refuse('groupBy', 'notGroupable', `${field.def.type} fields cannot be grouped`);
    const isDate = field.def.type === 'date' || field.def.type === 'datetime';
    if (bucket !== undefined && (!isDate || !(BUCKETS as readonly string[]).includes(bucket))) {
      throw refuse('groupBy', 'bucket', `"${key}": only date fields take a bucket (${BUCKETS.join(', ')})`);
    }
    return { key, field, ...(bucket ? { bucket: bucket as Group['bucket'] } : {}) };
  });
  if (groups.length > 2) throw refuse('groupBy', 'size', 'group by at most two fields');
  return groups;
}

function parseMetrics(object: CompiledObject, input: unknown): Metric[] {
  const text = input === undefined || input === '' ? 'count' : input;
  if (typeof text !== 'string') throw refuse('metrics', 'type', 'metrics is a comma-separated list');
  return [...new Set(text.split(','))].map((key): Metric => {
    const [fn, name] = key.split(':');
    if (fn === 'count' && name === undefined) return { key, fn };
    if (!['sum', 'avg', 'min', 'max'].includes(fn!) || !name) throw refuse('metrics', 'unknownMetric', `"${key}": use count, sum:field, avg:field, min:field or max:field`);
    const field = object.fields.get(name);
    if (!field) throw refuse('metrics', 'unknownField', `"${name}" is not a field of ${object.def.apiName}`);
    const allowed = fn === 'sum' || fn === 'avg' ? NUMERIC : ORDERED;
    if (!allowed.has(field.def.type)) throw refuse('metrics', 'type', `${fn} does not apply to ${field.def.type} fields`);
    return { key, fn: fn as Metric['fn'], field };
  });
}

export async function aggregate(
  knex: Knex, schema: string, object: CompiledObject,
  input: { groupBy?: unknown; metrics?: unknown; filter?: unknown },
): Promise<Record<string, unknown>[]> {
  const groups = parseGroups(object, input.groupBy);
  const metrics = parseMetrics(object, input.metrics);
  const filter = parseFilter(object, input.filter);
  const qb = knex(`${schema}.${object.table} as r`).whereNull('r.deleted_at');
  if (filter) applyFilter(qb, filter, 'r');
  groups.forEach((g, i) => {
    const column = `r.${g.field.columns[0]}`;
    const expr = !g.bucket ? knex.raw('??', [column])
      : g.field.def.type === 'date' ? knex.raw('date_trunc(?, ??)::date', [g.bucket, column])
      : knex.raw("date_trunc(?, ?? at time zone 'UTC')::date", [g.bucket, column]);
    // By position: the same bound expression twice would be two different parameters to Postgres.
    qb.select(knex.raw('? as ??', [expr, `g${i}`])).groupByRaw(String(i + 1)).orderByRaw(`${i + 1} nulls last`);
  });
  metrics.forEach((m, i) => {
    qb.select(m.fn === 'count'
      ? knex.raw('count(*)::bigint as ??', [`m${i}`])
      : knex.raw(AGGREGATE_SQL[m.fn] + " as ??", [`r.${m.field!.columns[0]}`, `m${i}`]));
  });
  const rows: Record<string, unknown>[] = await qb.limit(MAX_GROUPS);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    groups.forEach((g, i) => {
      const v = row[`g${i}`];
      out[g.key] = g.bucket ? v : g.field.type.fromColumns([v], g.field.def);
    });
    metrics.forEach((m, i) => {
      const v = row[`m${i}`];
      out[m.key] = v === null ? null : m.fn === 'count' || NUMERIC.has(m.field!.def.type) ? Number(v) : m.field!.type.fromColumns([v], m.field!.def);
    });
    return out;
  });
}
