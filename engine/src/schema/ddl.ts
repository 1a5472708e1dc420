import type { Knex } from 'knex';
import { TAG } from './catalog.js';
import type { DesiredColumn, DesiredConstraint } from './desired.js';

/**
 * SQL text for the planner's steps. Identifiers always travel as knex `??` bindings. DDL cannot
 * take value bindings, so the few literals it needs (comments, autonumber affixes, column types)
 * are built here from engine-made values and checked against strict patterns first.
 */

export type Statement = { sql: string; bindings: readonly Knex.RawBinding[] };

const SQL_TYPE = /^[a-z ]+(\(\d{1,8}(,\d{1,2})?\))?(\[\])?$/;
export function sqlType(type: string): string {
  if (!SQL_TYPE.test(type)) throw new Error(`refusing unexpected column type ${JSON.stringify(type)}`);
  return type;
}

/** A string literal. Only engine-made text reaches here; quotes are doubled all the same. */
export function literal(text: string): string {
  if (text.includes('\0')) throw new Error('NUL in SQL literal');
  return `'${text.replace(/'/g, "''")}'`;
}

function integerLiteral(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`refusing non-integer ${n}`);
  return String(n);
}

const st = (sql: string, ...bindings: Knex.RawBinding[]): Statement => ({ sql, bindings });
const q = (schema: string, name: string) => `${schema}.${name}`;

export const tableTag = (objectId: string, archived = false) =>
  TAG + JSON.stringify({ o: objectId, ...(archived ? { archived } : {}) });
export function columnTag(
  c: { fieldId: string; part: string; autonumberHash?: string; generatedHash?: string; encrypted?: boolean },
  archived = false,
  was?: string,
) {
  return (
    TAG +
    JSON.stringify({
      f: c.fieldId,
      p: c.part,
      ...(c.autonumberHash ? { a: c.autonumberHash } : {}),
      ...(c.generatedHash && !archived ? { g: c.generatedHash } : {}),
      ...(c.encrypted ? { e: 1 } : {}),
      ...(archived ? { archived, was } : {}),
    })
  );
}
export const tagOf = (c: DesiredColumn) => ({
  fieldId: c.fieldId,
  part: c.part,
  autonumberHash: c.autonumber?.hash,
  generatedHash: c.generated?.hash,
  encrypted: c.encrypted === true,
});

/** Column type, plus the generation clause of a formula column (its SQL comes from formula-sql.ts). */
// knex reads every ? as a binding, also inside a formula's text literal: \? keeps it a character.
const columnSql = (c: DesiredColumn) =>
  `${sqlType(c.sqlType)}${c.generated ? ` generated always as (${c.generated.sql.replace(/\?/g, '\\?')}) stored` : ''}`;

export const commentTable = (schema: string, table: string, tag: string) =>
  st(`comment on table ?? is ${literal(tag)}`, q(schema, table));
export const commentColumn = (schema: string, table: string, column: string, tag: string) =>
  st(`comment on column ??.?? is ${literal(tag)}`, q(schema, table), column);

const SYSTEM_COLUMNS_SQL = `id uuid primary key, owner_id uuid not null,
  created_at timestamptz not null default now(), created_by uuid,
  updated_at timestamptz not null default now(), updated_by uuid,
  version integer not null default 1, deleted_at timestamptz`;

export function createTable(schema: string, table: string, objectId: string, columns: DesiredColumn[]): Statement[] {
  const columnsSql = columns.map((c) => `, ?? ${columnSql(c)}`).join('');
  return [
    st(`create table ?? (${SYSTEM_COLUMNS_SQL}${columnsSql})`, q(schema, table), ...columns.map((c) => c.name)),
    commentTable(schema, table, tableTag(objectId)),
    ...columns.map((c) => commentColumn(schema, table, c.name, columnTag(tagOf(c)))),
    ...columns.flatMap((c) => (c.autonumber ? [autonumberDefault(schema, table, c)] : [])),
  ];
}

export function addColumn(schema: string, table: string, column: DesiredColumn): Statement[] {
  // No default and nullable: Postgres only touches the catalog, however many rows the table has.
  return [
    st(`alter table ?? add column ?? ${columnSql(column)}`, q(schema, table), column.name),
    commentColumn(schema, table, column.name, columnTag(tagOf(column))),
  ];
}

export function autonumberDefault(schema: string, table: string, column: DesiredColumn): Statement {
  const a = column.autonumber!;
  const next = `lpad(nextval(${literal(`${schema}.${a.sequence}`)}::regclass)::text, ${integerLiteral(a.digits)}, '0')`;
  return st(
    `alter table ?? alter column ?? set default (${literal(a.prefix)} || ${next} || ${literal(a.suffix)})`,
    q(schema, table),
    column.name,
  );
}

/** Numbers the rows that exist when an autonumber field is added, oldest first. */
export function backfillAutonumber(schema: string, table: string, column: DesiredColumn): Statement {
  const a = column.autonumber!;
  return st(
    `update ?? as t set ?? = ${literal(a.prefix)} || lpad(s.n::text, ${integerLiteral(a.digits)}, '0') || ${literal(a.suffix)}
     from (select id, nextval(${literal(`${schema}.${a.sequence}`)}::regclass) as n from (select id from ?? order by created_at, id) o) s
     where t.id = s.id`,
    q(schema, table),
    column.name,
    q(schema, table),
  );
}

export const dropColumn = (schema: string, table: string, column: string) =>
  st('alter table ?? drop column ??', q(schema, table), column);
export const dropExpression = (schema: string, table: string, column: string) =>
  st('alter table ?? alter column ?? drop expression', q(schema, table), column);

export const createSequence = (schema: string, name: string, startAt: number) =>
  st(`create sequence ?? start with ${integerLiteral(startAt)} minvalue 0`, q(schema, name));
export const renameTable = (schema: string, from: string, to: string) =>
  st('alter table ?? rename to ??', q(schema, from), to);
export const renameColumn = (schema: string, table: string, from: string, to: string) =>
  st('alter table ?? rename column ?? to ??', q(schema, table), from, to);

export function alterType(
  schema: string,
  table: string,
  column: string,
  to: string,
  via: 'direct' | 'text',
): Statement {
  const cast = via === 'direct' ? `??::${sqlType(to)}` : `??::text::${sqlType(to)}`;
  return st(`alter table ?? alter column ?? type ${sqlType(to)} using ${cast}`, q(schema, table), column, column);
}

/**
 * Copies an archived column's values into its replacement: converted, truncated or rounded to fit; NULL where they
 * cannot.
 */
export function copyConverted(
  schema: string,
  table: string,
  from: string,
  to: string,
  type: string,
  via: 'direct' | 'text',
): Statement {
  const cast = via === 'direct' ? `??::${sqlType(type)}` : `??::text::${sqlType(type)}`;
  return st(
    `update ?? set ?? = case when ??._tessera_castable(??::text, ${literal(type)}) then ${cast} end where ?? is not null`,
    q(schema, table),
    to,
    schema,
    from,
    from,
    from,
  );
}

export function dropConstraint(schema: string, table: string, name: string): Statement {
  return /_(ix|tg|uq)$/.test(name)
    ? st('drop index ??', q(schema, name))
    : st('alter table ?? drop constraint ??', q(schema, table), name);
}

export function addConstraint(schema: string, table: string, c: DesiredConstraint): Statement {
  // Records in the recycle bin do not hold on to their unique values; restoring one re-checks.
  if (c.kind === 'unique')
    return st('create unique index ?? on ?? (??) where deleted_at is null', c.name, q(schema, table), c.column);
  if (c.kind === 'index') {
    const keys = c.keys ?? [{ column: c.column }];
    return st(
      `create index ?? on ?? (${keys.map((k) => (k.desc ? '?? desc' : '??')).join(', ')})`,
      c.name,
      q(schema, table),
      ...keys.map((k) => k.column),
    );
  }
  if (c.kind === 'search')
    return st('create index ?? on ?? using gin (?? gin_trgm_ops)', c.name, q(schema, table), c.column);
  const onDelete = { RESTRICT: 'restrict', 'SET NULL': 'set null', CASCADE: 'cascade' }[c.references!.onDelete];
  return st(
    `alter table ?? add constraint ?? foreign key (??) references ?? (id) on delete ${onDelete}`,
    q(schema, table),
    c.name,
    c.column,
    q(schema, c.references!.table),
  );
}
