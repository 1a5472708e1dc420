import type { Knex } from 'knex';
import { hiddenImportsSql } from '../query/import-visibility.js';
import { badRequest } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { unstorableValue } from '../fields/shared.js';
import type { Access } from '../security/access.js';
import { recordAccessSql } from '../security/record-access.js';

/**
 * Global search: every object's searchable text fields matched by substring (served by the
 * trigram indexes the planner creates), best matches per object, in one UNION ALL statement.
 */

export interface SearchHit {
  object: string;
  id: string;
  name: string | null;
  score: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The searchable fields' columns, only those the caller may read when access is given. */
export function searchableColumns(object: CompiledObject, access?: Access): string[] {
  return [...object.fields.values()]
    .filter(
      (f) =>
        f.def.searchable && f.type.textSearch && (!access || access.canReadField(object.def.apiName, f.def.apiName)),
    )
    .map((f) => f.columns[0]!);
}

/** The query parameters of GET /api/v1/search, unchecked. */
export interface SearchInput {
  q?: unknown;
  objects?: unknown;
  limit?: unknown;
}

export async function search(
  knex: Knex,
  schema: string,
  compiled: CompiledMetadata,
  input: SearchInput,
  access: Access,
): Promise<SearchHit[]> {
  const q = typeof input.q === 'string' ? input.q.trim() : '';
  if (unstorableValue(q))
    throw badRequest('q holds characters that cannot be searched', [
      { field: 'q', code: 'invalidCharacter', message: 'no NUL characters or lone surrogates' },
    ]);
  if (q.length < 2 || q.length > 100)
    throw badRequest('q must be 2 to 100 characters', [{ field: 'q', code: 'length', message: '2 to 100 characters' }]);
  const perObject = input.limit === undefined ? 5 : Number(input.limit);
  if (!Number.isInteger(perObject) || perObject < 1 || perObject > 50)
    throw badRequest('limit must be 1 to 50', [{ field: 'limit', code: 'range', message: '1 to 50' }]);
  let objects = [...compiled.objects.values()].filter((o) => access.can(o.def.apiName, 'read'));
  if (typeof input.objects === 'string' && input.objects !== '') {
    const wanted = input.objects.split(',');
    // An object the caller does not see is named no object, as one that does not exist.
    for (const name of wanted)
      if (!access.sees(name))
        throw badRequest(`"${name}" is not an object`, [
          { field: 'objects', code: 'unknownObject', message: `"${name}" is not an object` },
        ]);
    objects = objects.filter((o) => wanted.includes(o.def.apiName));
  }
  const pattern = `%${escapeLike(q)}%`;
  const parts: Knex.QueryBuilder[] = [];
  for (const object of objects) {
    const columns = searchableColumns(object, access);
    if (!columns.length) continue;
    const nameReadable = access.canReadField(object.def.apiName, object.def.nameField);
    const nameColumn = object.fields.get(object.def.nameField)?.columns[0] ?? columns[0]!;
    const restrict = recordAccessSql(access, object, schema, 'r', 'read');
    const importing = hiddenImportsSql(schema, object.table, 'r');
    const similarities = columns.map((c) => knex.raw('similarity(??::text, ?)', [`r.${c}`, q]));
    // greatest(?, ?, …): one placeholder per column, each bound to its similarity() above
    const score =
      similarities.length === 1
        ? similarities[0]!
        : knex.raw('greatest(' + similarities.map(() => '?').join(', ') + ')', similarities);
    parts.push(
      knex(`${schema}.${object.table} as r`)
        .select(
          knex.raw('? as object', [object.def.apiName]),
          'r.id',
          nameReadable ? knex.raw('??::text as name', [`r.${nameColumn}`]) : knex.raw('null::text as name'),
          knex.raw('(?)::real as score', [score]),
        )
        .whereNull('r.deleted_at')
        .whereRaw(importing?.sql ?? 'true', (importing?.bindings ?? []) as Knex.RawBinding[])
        .whereRaw(restrict?.sql ?? 'true', (restrict?.bindings ?? []) as Knex.RawBinding[])
        .where((w) => {
          for (const c of columns) w.orWhereRaw("?? ilike ? escape '\\'", [`r.${c}`, pattern]);
        })
        .orderBy('score', 'desc')
        .limit(perObject),
    );
  }
  if (!parts.length) return [];
  const rows = await knex.unionAll(parts, true);
  return rows.map((r: SearchHit) => ({ object: r.object, id: r.id, name: r.name, score: Number(r.score) }));
}
