import type { Knex } from 'knex';
import { hiddenImportsSql } from './import-visibility.js';
import { badRequest, Problem, type ErrorCode } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import type { AggregateFn, SqlFragment } from '../fields/field-type.js';
import { aggregateApplies, carriesCurrency, factsOf } from '../fields/index.js';
import { applyFilter } from './filter-compiler.js';
import type { ResolvedPath } from './paths.js';
import { parseFilter } from './filter-parser.js';

/**
 * Aggregates for dashboards: GROUP BY up to two fields (dates by day, week, month, quarter or
 * year) with count, sum, avg, min and max, under the same filter language as lists. One statement.
 *
 *   ?groupBy=stage,close_date:month&metrics=count,sum:amount&filter={…}
 *   → { data: [{ "stage": "won", "close_date:month": "2026-11-01", "count": 3, "sum:amount": 1200 }] }
 *
 * A lookup group also answers the name of the record it points to, joined in the same statement
 * under the caller's record access (a record they cannot see has no name, as in a list):
 *
 *   ?groupBy=account → { data: [{ "account": "0190…", "account:label": "Acme", "count": 3 }] }
 */

const BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
/**
 * Whether sum, avg, min or max can be taken of a field. What can be grouped by and aggregated is
 * a fact of each field type (fields/), read by value type: a formula giving a date groups as a date.
 */
const MAX_GROUPS = 2000;
const AGGREGATE_SQL: Record<AggregateFn, string> = { sum: 'sum(??)', avg: 'avg(??)', min: 'min(??)', max: 'max(??)' };

type Metric = { key: string; fn: 'count' | AggregateFn; field?: CompiledField };
type Group = { key: string; field: CompiledField; bucket?: (typeof BUCKETS)[number] };

const refuse = (field: string, code: ErrorCode, message: string) => badRequest(message, [{ field, code, message }]);

function parseGroups(object: CompiledObject, input: unknown, scope: AggregateScope): Group[] {
  if (input === undefined || input === '') return [];
  if (typeof input !== 'string') throw refuse('groupBy', 'type', 'groupBy is a comma-separated list');
  const groups = input.split(',').map((key): Group => {
    const [name, bucket, ...rest] = key.split(':');
    const field = scope.field(name!);
    if (!field || rest.length)
      throw refuse('groupBy', 'unknownField', `"${key}" is not a field of ${object.def.apiName}`);
    const facts = factsOf(field.def);
    if (!facts.groupable)
      throw refuse(
        'groupBy',
        'notGroupable',
        field.type.encryption
          ? `${field.def.apiName} is encrypted: the database cannot group values it only holds encrypted`
          : `${field.def.type} fields cannot be grouped`,
      );
    if (bucket !== undefined && (!facts.temporal || !(BUCKETS as readonly string[]).includes(bucket))) {
      throw refuse('groupBy', 'bucket', `"${key}": only date fields take a bucket (${BUCKETS.join(', ')})`);
    }
    return { key, field, ...(bucket ? { bucket: bucket as Group['bucket'] } : {}) };
  });
  if (groups.length > 2) throw refuse('groupBy', 'size', 'group by at most two fields');
  return groups;
}

function parseMetrics(object: CompiledObject, input: unknown, scope: AggregateScope): Metric[] {
  const text = input === undefined || input === '' ? 'count' : input;
  if (typeof text !== 'string') throw refuse('metrics', 'type', 'metrics is a comma-separated list');
  return [...new Set(text.split(','))].map((key): Metric => {
    const [fn, name, ...rest] = key.split(':');
    if (fn === 'count' && name === undefined) return { key, fn };
    // The key comes back as a property name of every row: nothing may ride along after the field.
    if (!['sum', 'avg', 'min', 'max'].includes(fn!) || !name || rest.length)
      throw refuse('metrics', 'unknownMetric', `"${key}": use count, sum:field, avg:field, min:field or max:field`);
    const field = scope.field(name);
    if (!field) throw refuse('metrics', 'unknownField', `"${name}" is not a field of ${object.def.apiName}`);
    if (!aggregateApplies(fn!, field.def))
      throw refuse('metrics', 'type', `${fn} does not apply to ${field.def.type} fields`);
    return { key, fn: fn as Metric['fn'], field };
  });
}

export interface AggregateInput {
  groupBy?: unknown;
  metrics?: unknown;
  filter?: unknown;
  /** 'corporate' converts currency metrics to the corporate currency. */
  currency?: unknown;
  /** The date field whose value picks each record's exchange rate (default created_at). */
  rateDate?: unknown;
}

/**
 * What the caller may aggregate: readable fields only, over the records they may see. A field
 * they may not read is answered for as one that does not exist (security/field-guard.ts).
 */
export interface AggregateScope {
  /** The object's field of that name, if the caller may read it. */
  field(name: string): CompiledField | undefined;
  /** Filter paths, resolved the same way. */
  resolve: (path: string) => ResolvedPath | undefined;
  /** Record access, as a condition on alias r; null when every record is visible. */
  restrict: SqlFragment | null;
  /**
   * Where a lookup's target keeps its name, with the caller's record access to it as a condition
   * on `alias`; null when the caller may not read the target or its name field.
   */
  label(lookup: CompiledField, alias: string): LabelSource | null;
}

export interface LabelSource {
  table: string;
  nameColumn: string;
  restrict: SqlFragment | null;
}

export async function aggregate(
  knex: Knex,
  schema: string,
  object: CompiledObject,
  input: AggregateInput,
  corporate: string,
  scope: AggregateScope,
): Promise<Record<string, unknown>[]> {
  const groups = parseGroups(object, input.groupBy, scope);
  const metrics = parseMetrics(object, input.metrics, scope);
  const filter = parseFilter(object, input.filter, scope.resolve);
  const convert = parseConversion(input, metrics, scope);
  const qb = knex(`${schema}.${object.table} as r`).whereNull('r.deleted_at');
  const importing = hiddenImportsSql(schema, object.table, 'r');
  if (importing) qb.whereRaw(importing.sql, importing.bindings as Knex.RawBinding[]);
  if (scope.restrict) qb.whereRaw(scope.restrict.sql, scope.restrict.bindings as Knex.RawBinding[]);
  if (filter) applyFilter(qb, filter, 'r');
  if (convert) await checkRates(knex, schema, qb, metrics, convert.dateColumn, corporate);
  groups.forEach((g, i) => {
    const column = `r.${g.field.columns[0]}`;
    const expr = !g.bucket
      ? knex.raw('??', [column])
      : factsOf(g.field.def).temporal === 'date'
        ? knex.raw('date_trunc(?, ??)::date', [g.bucket, column])
        : knex.raw("date_trunc(?, ?? at time zone 'UTC')::date", [g.bucket, column]);
    // By position: the same bound expression twice would be two different parameters to Postgres.
    qb.select(knex.raw('? as ??', [expr, `g${i}`]))
      .groupByRaw(String(i + 1))
      .orderByRaw(`${i + 1} nulls last`);
  });
  metrics.forEach((m, i) => {
    if (m.fn === 'count') qb.select(knex.raw('count(*)::bigint as ??', [`m${i}`]));
    else if (convert && carriesCurrency(m.field!.def)) {
      const value = inCorporate(knex, schema, m.field!, convert.dateColumn, corporate);
      qb.select(knex.raw(AGGREGATE_SQL[m.fn].replace('??', '?') + ' as ??', [value, `m${i}`]));
    } else qb.select(knex.raw(AGGREGATE_SQL[m.fn] + ' as ??', [`r.${m.field!.columns[0]}`, `m${i}`]));
  });
  // After the groups and metrics, whose places the GROUP BY and ORDER BY above count on.
  const labelled = groups.map((g, i) => (g.field.def.target ? joinLabel(knex, schema, qb, g.field, i, scope) : false));
  const rows = (await qb.limit(MAX_GROUPS)) as Record<string, unknown>[];
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    groups.forEach((g, i) => {
      const v = row[`g${i}`];
      out[g.key] = g.bucket ? v : g.field.type.fromColumns([v], g.field.def);
      if (g.field.def.target) out[`${g.key}:label`] = labelled[i] ? (row[`l${i}`] ?? null) : null;
    });
    metrics.forEach((m, i) => {
      const v = row[`m${i}`];
      out[m.key] =
        v === null
          ? null
          : m.fn === 'count' || aggregateApplies('sum', m.field!.def)
            ? Number(v)
            : m.field!.type.fromColumns([v], m.field!.def);
    });
    return out;
  });
}

/**
 * Joins the target of lookup group i (alias _l<i>, on its id, live and visible to the caller)
 * and selects its name as l<i>, grouped with the key: one name per key, as the join is on the
 * target's primary key. False when the caller may not read the name: the label stays null.
 */
function joinLabel(
  knex: Knex,
  schema: string,
  qb: Knex.QueryBuilder,
  lookup: CompiledField,
  i: number,
  scope: AggregateScope,
): boolean {
  const alias = `_l${i}`;
  const source = scope.label(lookup, alias);
  if (!source) return false;
  qb.leftJoin(`${schema}.${source.table} as ${alias}`, (on) => {
    on.on(`${alias}.id`, '=', `r.${lookup.columns[0]}`).andOnNull(`${alias}.deleted_at`);
    if (source.restrict) on.andOn(knex.raw(source.restrict.sql, source.restrict.bindings as Knex.RawBinding[]));
  });
  const name = `${alias}.${source.nameColumn}`;
  qb.select(knex.raw('??::text as ??', [name, `l${i}`])).groupBy(name);
  return true;
}

/** The rate date picks each row's rate, so the totals would tell its values: only a readable field. */
function parseConversion(
  input: AggregateInput,
  metrics: Metric[],
  scope: AggregateScope,
): { dateColumn: string } | undefined {
  if (input.currency === undefined || input.currency === '') {
    if (input.rateDate !== undefined) throw refuse('rateDate', 'unexpected', 'rateDate goes with currency=corporate');
    return undefined;
  }
  if (input.currency !== 'corporate') throw refuse('currency', 'enum', 'currency takes the value "corporate"');
  if (!metrics.some((m) => m.field && carriesCurrency(m.field.def)))
    throw refuse('currency', 'noCurrencyMetric', 'no metric is over a currency field');
  if (input.rateDate === undefined || input.rateDate === '') return { dateColumn: 'created_at' };
  const field = typeof input.rateDate === 'string' ? scope.field(input.rateDate) : undefined;
  if (!field || !factsOf(field.def).temporal)
    throw refuse('rateDate', 'type', 'rateDate names a date or datetime field');
  return { dateColumn: field.columns[0]! };
}

/** The rate of a row: the latest one starting on or before its date (today when it has none). */
function rateSql(knex: Knex, schema: string, codeColumn: string, dateColumn: string) {
  return knex.raw(
    '(select x.rate from ?? x where x.currency = ?? and x.start_date <= coalesce(??::date, current_date) order by x.start_date desc limit 1)',
    [`${schema}._exchange_rates`, codeColumn, dateColumn],
  );
}

/** A currency field's amount in the corporate currency. */
function inCorporate(knex: Knex, schema: string, field: CompiledField, dateColumn: string, corporate: string) {
  const [amount, code] = field.columns.map((c) => `r.${c}`) as [string, string];
  return knex.raw('(case when coalesce(??, ?) = ? then ?? else ?? / ? end)', [
    code,
    corporate,
    corporate,
    amount,
    amount,
    rateSql(knex, schema, code, `r.${dateColumn}`),
  ]);
}

/** Converting without a rate would drop rows from the totals silently: refuse, naming the currencies. */
async function checkRates(
  knex: Knex,
  schema: string,
  rows: Knex.QueryBuilder,
  metrics: Metric[],
  dateColumn: string,
  corporate: string,
) {
  const missing = new Set<string>();
  for (const m of metrics) {
    if (!m.field || !carriesCurrency(m.field.def)) continue;
    const [amount, code] = m.field.columns.map((c) => `r.${c}`) as [string, string];
    const found = await rows
      .clone()
      .distinct(knex.raw('?? as code', [code]))
      .whereNotNull(amount)
      .whereNotNull(code)
      .whereNot(code, corporate)
      .whereRaw('? is null', [rateSql(knex, schema, code, `r.${dateColumn}`)]);
    for (const r of found as { code: string }[]) missing.add(r.code);
  }
  if (missing.size) {
    const list = [...missing].sort().join(', ');
    throw new Problem(
      'missing-exchange-rate',
      `no exchange rate to ${corporate} for ${list} on some records' dates`,
      [...missing].sort().map((c) => ({
        field: 'currency',
        code: 'missingRate',
        message: `add a rate for ${c} (POST /api/v1/currencies/rates)`,
      })),
    );
  }
}
