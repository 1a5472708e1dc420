import type { Knex } from 'knex';
import type { CompiledField } from '../metadata/compile.js';
import { dateLiteralRange, isDateLiteral, rangeValues } from './date-literals.js';
import { isSystem, type FilterNode, type SystemField } from './filter-parser.js';

/**
 * Stage 2: a checked filter tree → knex where-clauses. Column names come from compiled metadata
 * and go in as identifiers; every value is a binding.
 */

/** Bind values of a date literal's range for the column's kind (date or timestamptz). */
function literalBounds(field: CompiledField | SystemField, literal: string): [string, string] {
  const kind = !isSystem(field) && field.type.value?.temporal === 'date' ? 'date' : 'datetime';
  return rangeValues(dateLiteralRange(literal), kind);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function bindValue(field: CompiledField | SystemField, value: unknown): unknown {
  if (isSystem(field)) return value;
  if (field.type.multiValued) return value;
  return field.type.toColumns(value, field.def)[0];
}

export function applyFilter(qb: Knex.QueryBuilder, node: FilterNode, alias: string): void {
  switch (node.kind) {
    case 'and':
      qb.where((sub) => node.items.forEach((item) => sub.andWhere((inner) => applyFilter(inner, item, alias))));
      return;
    case 'or':
      qb.where((sub) => node.items.forEach((item) => sub.orWhere((inner) => applyFilter(inner, item, alias))));
      return;
    case 'not':
      qb.whereNot((sub) => applyFilter(sub, node.item, alias));
      return;
    case 'cond':
      break;
  }
  const { field, op, value } = node;
  // Conditions through a lookup (`account.industry`) read the joined row.
  const columns = field.columns.map((name) => `${node.alias ?? alias}.${name}`);
  const c = columns[0]!;
  const multi = !isSystem(field) && !!field.type.multiValued;
  // "this_quarter" on a date field is a range; on a text field it is just text.
  const temporal = isSystem(field) ? field.kind === 'datetime' : field.type.value?.temporal !== undefined;
  const lit = (v: unknown): v is string => temporal && isDateLiteral(v);
  switch (op) {
    case 'isNull':
      if (value) columns.forEach((x) => qb.whereNull(x));
      else qb.where((sub) => columns.forEach((x) => sub.orWhereNotNull(x)));
      return;
    case 'eq':
      if (lit(value)) {
        const [start, end] = literalBounds(field, value);
        qb.where(c, '>=', start).andWhere(c, '<', end);
      } else qb.where(c, bindValue(field, value) as Knex.Value);
      return;
    case 'ne':
      if (lit(value)) {
        const [start, end] = literalBounds(field, value);
        qb.where((sub) => sub.whereNull(c).orWhere(c, '<', start).orWhere(c, '>=', end));
      } else qb.whereRaw('?? is distinct from ?', [c, bindValue(field, value) as Knex.Value]);
      return;
    // A date literal is a range: after it means from its end, up to it means before its end.
    case 'gt':
      if (lit(value)) qb.where(c, '>=', literalBounds(field, value)[1]);
      else qb.where(c, '>', bindValue(field, value) as Knex.Value);
      return;
    case 'gte':
      qb.where(c, '>=', lit(value) ? literalBounds(field, value)[0] : (bindValue(field, value) as Knex.Value));
      return;
    case 'lt':
      qb.where(c, '<', lit(value) ? literalBounds(field, value)[0] : (bindValue(field, value) as Knex.Value));
      return;
    case 'lte':
      if (lit(value)) qb.where(c, '<', literalBounds(field, value)[1]);
      else qb.where(c, '<=', bindValue(field, value) as Knex.Value);
      return;
    case 'between': {
      const [low, high] = value as unknown[];
      if (lit(low) || lit(high)) {
        qb.where(c, '>=', lit(low) ? literalBounds(field, low)[0] : (bindValue(field, low) as Knex.Value));
        if (lit(high)) qb.where(c, '<', literalBounds(field, high)[1]);
        else qb.where(c, '<=', bindValue(field, high) as Knex.Value);
      } else {
        qb.whereBetween(c, [bindValue(field, low) as Knex.Value, bindValue(field, high) as Knex.Value]);
      }
      return;
    }
    case 'in':
      if (multi) qb.whereRaw('?? && ?::text[]', [c, value as string[]]);
      else qb.whereIn(c, (value as unknown[]).map((v) => bindValue(field, v)) as Knex.Value[]);
      return;
    case 'nin':
      if (multi) qb.where((sub) => sub.whereNull(c).orWhereRaw('not (?? && ?::text[])', [c, value as string[]]));
      else
        qb.where((sub) =>
          sub.whereNull(c).orWhereNotIn(c, (value as unknown[]).map((v) => bindValue(field, v)) as Knex.Value[]),
        );
      return;
    case 'contains':
      if (multi) qb.whereRaw('?? @> ?::text[]', [c, value as string[]]);
      else qb.whereRaw("?? ilike ? escape '\\'", [c, `%${escapeLike(value as string)}%`]);
      return;
    case 'startsWith':
      qb.whereRaw("?? ilike ? escape '\\'", [c, `${escapeLike(value as string)}%`]);
      return;
  }
}
