import { badRequest } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { AccessPredicate } from './access-predicate.js';
import { parseFilter, type FilterNode, type ResolvePath } from './filter-parser.js';
import { decodeCursor, parseSort, type SortKey } from './keyset.js';
import { PathResolver } from './paths.js';
import { SYSTEM_OUTPUT } from './record-json.js';
import type { SessionCheck } from './session-check.js';

/**
 * A list request → a plan: plain data that says everything the statement will do (filter tree,
 * sort, page, fields, joins, record access, session check), checked against the object's
 * metadata and the caller's field access, with no SQL in it yet (list-statement.ts writes that).
 * The plan can be printed, compared and tested without a database, as PostgREST plans a read
 * before it builds its query.
 */

/** The query parameters of a list request, unchecked. */
export interface ListRequest {
  filter?: unknown;
  sort?: unknown;
  fields?: unknown;
  limit?: unknown;
  cursor?: unknown;
  /** 'only' lists the recycle bin instead of live records. */
  deleted?: unknown;
  /** exact or estimated: also answer how many rows match. */
  count?: unknown;
}

/** A lookup the statement joins: one LEFT JOIN, narrowed to the target records the caller may see. */
export interface JoinPlan {
  alias: string;
  /** The lookup's column on the listed record. */
  column: string;
  /** The target object and its table. */
  object: string;
  table: string;
  access: AccessPredicate;
}

export interface ListPlan {
  object: string;
  table: string;
  joins: JoinPlan[];
  /** true: the recycle bin; false: live records. */
  deleted: boolean;
  filter?: FilterNode;
  /** The records of the object the caller may see; null: all. */
  access: AccessPredicate;
  sort: SortKey[];
  /** The cursor's sort values: the page starts after them. */
  after?: unknown[];
  limit: number;
  /** The object's own fields each record shows; undefined: all. */
  fields?: string[];
  /** Lookups shown with fields of their target (`fields=account.name`): `{ id, name }`. */
  expand: { field: string; alias: string; fields: string[] }[];
  count?: 'exact' | 'estimated';
  session?: SessionCheck;
}

/** What planning needs beside the request: the metadata, and the caller's reach. */
export interface ListContext {
  objects: ReadonlyMap<string, CompiledObject>;
  /** Field paths through field-level security (security/field-guard.ts). */
  guard: (paths: PathResolver) => ResolvePath;
  /** The own fields the caller may read; undefined: all. */
  readable?: ReadonlySet<string>;
  /** The records of an object the caller may read. */
  access: (object: CompiledObject) => AccessPredicate;
  session?: SessionCheck;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function planList(object: CompiledObject, request: ListRequest, ctx: ListContext): ListPlan {
  const limit = parseLimit(request.limit);
  const paths = new PathResolver(object, ctx.objects);
  const resolve = ctx.guard(paths);
  const selection = parseFields(paths, request.fields, resolve);
  const filter = parseFilter(object, request.filter, resolve);
  const sort = parseSort(object, request.sort, resolve);
  const after = decodeCursor(sort, request.cursor);
  if (request.deleted !== undefined && request.deleted !== 'only')
    throw badRequest('deleted takes only the value "only"', [
      { field: 'deleted', code: 'enum', message: 'use deleted=only to list the recycle bin' },
    ]);
  const { count } = request;
  if (count !== undefined && count !== 'exact' && count !== 'estimated')
    throw badRequest('count is exact or estimated', [
      { field: 'count', code: 'enum', message: 'use count=exact or count=estimated' },
    ]);
  const fields = selection.own ?? (ctx.readable ? [...ctx.readable] : undefined);
  return {
    object: object.def.apiName,
    table: object.table,
    joins: [...paths.joins.values()].map((j) => ({
      alias: j.alias,
      column: j.lookup.columns[0]!,
      object: j.target.def.apiName,
      table: j.target.table,
      access: ctx.access(j.target),
    })),
    deleted: request.deleted === 'only',
    ...(filter ? { filter } : {}),
    access: ctx.access(object),
    sort,
    ...(after ? { after } : {}),
    limit,
    ...(fields ? { fields } : {}),
    expand: selection.expand,
    ...(count ? { count } : {}),
    ...(ctx.session ? { session: ctx.session } : {}),
  };
}

function parseLimit(input: unknown): number {
  if (input === undefined || input === '') return DEFAULT_LIMIT;
  const n = Number(input);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`, [
      { field: 'limit', code: 'range', message: `1 to ${MAX_LIMIT}` },
    ]);
  }
  return n;
}

interface FieldSelection {
  /** Own fields to return; undefined means all the caller may read. */
  own?: string[];
  expand: ListPlan['expand'];
}

function parseFields(paths: PathResolver, input: unknown, resolve: ResolvePath): FieldSelection {
  const expand: ListPlan['expand'] = [];
  if (input === undefined || input === '') return { expand };
  if (typeof input !== 'string')
    throw badRequest('fields must be a comma-separated list', [
      { field: 'fields', code: 'type', message: 'expected a string' },
    ]);
  const object = paths.object;
  const own = new Set<string>();
  const refuse = (name: string) => {
    // Asking for created_at and the like is natural; say why it is not needed rather than "no such field".
    const why = (SYSTEM_OUTPUT as readonly string[]).includes(name)
      ? `"${name}" is a system field, and system fields (${SYSTEM_OUTPUT.join(', ')}) always come: leave it out of fields`
      : `"${name}" is not a field of ${object.def.apiName}`;
    return badRequest(why, [{ field: 'fields', code: 'unknownField', message: why }]);
  };
  for (const name of new Set(input.split(','))) {
    if (!resolve(name)) throw refuse(name); // also a field the caller may not read (security/field-guard.ts)
    const [head, tail, ...rest] = name.split('.');
    if (tail === undefined) {
      if (!object.fields.has(name)) throw refuse(name);
      own.add(name);
      continue;
    }
    const join = rest.length === 0 ? paths.join(head!) : undefined;
    if (!join || !join.target.fields.has(tail)) throw refuse(name);
    own.add(head!);
    let entry = expand.find((e) => e.field === head);
    if (!entry) expand.push((entry = { field: head!, alias: join.alias, fields: [] }));
    if (!entry.fields.includes(tail)) entry.fields.push(tail);
  }
  // In the object's field order, as records show them.
  return { own: [...object.fields.keys()].filter((name) => own.has(name)), expand };
}
