import type { Knex } from 'knex';
import { dateLiteralRange, isDateLiteral, rangeValues } from './date-literals.js';
import type { FilterNode } from './filter-parser.js';

/**
 * A checked filter tree (plain data, filter-parser.ts) → knex where-clauses. Column names come
 * from compiled metadata and go in as identifiers; every value is a binding.
 */

/** Bind values of a date literal's range for the column's kind (date or timestamptz). */
const rangeOf = (compare: 'date' | 'datetime', literal: string): [string, string] =>
  rangeValues(dateLiteralRange(literal), compare);

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function applyFilter(qb: Knex.QueryBuilder, node: FilterNode, alias: string): void {
  switch (node.kind) {
    case 'and':
      qb.where((sub) => {
        for (const item of node.items) sub.andWhere((inner) => applyFilter(inner, item, alias));
      });
      return;
    case 'or':
      qb.where((sub) => {
        for (const item of node.items) sub.orWhere((inner) => applyFilter(inner, item, alias));
      });
      return;
    case 'not':
      qb.whereNot((sub) => applyFilter(sub, node.item, alias));
      return;
    case 'cond':
      break;
  }
  const { op, value, compare } = node;
  // Conditions through a lookup (`account.industry`) read the joined row.
  const columns = node.columns.map((name) => `${node.alias ?? alias}.${name}`);
  const c = columns[0]!;
  const multi = compare === 'multi';
  // "this_quarter" on a date field is a range; on a text field it is just text.
  const temporal = compare === 'date' || compare === 'datetime' ? compare : undefined;
  const lit = (v: unknown): v is string => temporal !== undefined && isDateLiteral(v);
  const literalBounds = (literal: string) => rangeOf(temporal!, literal);
  switch (op) {
    case 'isNull':
      if (value) {
        for (const x of columns) qb.whereNull(x);
      } else {
        qb.where((sub) => {
          for (const x of columns) sub.orWhereNotNull(x);
        });
      }
      return;
    case 'eq':
      if (lit(value)) {
        const [start, end] = literalBounds(value);
        qb.where(c, '>=', start).andWhere(c, '<', end);
      } else qb.where(c, value as Knex.Value);
      return;
    case 'ne':
      if (lit(value)) {
        const [start, end] = literalBounds(value);
        qb.where((sub) => {
          sub.whereNull(c).orWhere(c, '<', start).orWhere(c, '>=', end);
        });
      } else qb.whereRaw('?? is distinct from ?', [c, value as Knex.Value]);
      return;
    // A date literal is a range: after it means from its end, up to it means before its end.
    case 'gt':
      if (lit(value)) qb.where(c, '>=', literalBounds(value)[1]);
      else qb.where(c, '>', value as Knex.Value);
      return;
    case 'gte':
      qb.where(c, '>=', lit(value) ? literalBounds(value)[0] : (value as Knex.Value));
      return;
    case 'lt':
      qb.where(c, '<', lit(value) ? literalBounds(value)[0] : (value as Knex.Value));
      return;
    case 'lte':
      if (lit(value)) qb.where(c, '<', literalBounds(value)[1]);
      else qb.where(c, '<=', value as Knex.Value);
      return;
    case 'between': {
      const [low, high] = value as unknown[];
      if (lit(low) || lit(high)) {
        qb.where(c, '>=', lit(low) ? literalBounds(low)[0] : (low as Knex.Value));
        if (lit(high)) qb.where(c, '<', literalBounds(high)[1]);
        else qb.where(c, '<=', high as Knex.Value);
      } else {
        qb.whereBetween(c, [low as Knex.Value, high as Knex.Value]);
      }
      return;
    }
    case 'in':
      if (multi) qb.whereRaw('?? && ?::text[]', [c, value as string[]]);
      else qb.whereIn(c, value as Knex.Value[]);
      return;
    case 'nin':
      qb.where((sub) => {
        if (multi) sub.whereNull(c).orWhereRaw('not (?? && ?::text[])', [c, value as string[]]);
        else sub.whereNull(c).orWhereNotIn(c, value as Knex.Value[]);
      });
      return;
    case 'contains':
      if (multi) qb.whereRaw('?? @> ?::text[]', [c, value as string[]]);
      else qb.whereRaw("?? ilike ? escape '\\'", [c, `%${escapeLike(value as string)}%`]);
      return;
    case 'startsWith':
      qb.whereRaw("?? ilike ? escape '\\'", [c, `${escapeLike(value as string)}%`]);
      return;
    default: {
      // A new operator fails to compile here until it has its SQL: left out, it would match everything.
      const unhandled: never = op;
      throw new Error(`no SQL for the filter operator ${String(unhandled)}`);
    }
  }
}
