import type { ErrorCode } from '../errors.js';

/**
 * API names are data that end up as SQL identifiers, so they are allow-listed: a strict pattern,
 * then a deny-list of words that would confuse Postgres, JavaScript or the engine itself.
 * Anything that passes is still quoted wherever it reaches SQL.
 */

export const API_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** Columns every record table has; no field may take these names. */
export const SYSTEM_COLUMNS = [
  'id',
  'owner_id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'deleted_at',
] as const;

// PostgreSQL's reserved key words (Appendix C, "reserved" and "reserved (can be function or type)")
// plus the SQL standard's common ones, so that a name never changes meaning in any dialect.
const SQL_RESERVED = `
all analyse analyze and any array as asc asymmetric authorization binary both case cast check
collate collation column concurrently constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign freeze from full grant group having ilike in
initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
references returning right select session_user similar some symmetric system_user table tablesample
then to trailing true union unique user using variadic verbose when where window with
between bigint bit boolean char character coalesce dec decimal exists extract float greatest
grouping inout int integer interval least national nchar none normalize nullif numeric out overlay
position precision real row setof smallint substring time timestamp treat trim values varchar
xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
xmlserialize xmltable delete insert update drop alter truncate grant revoke begin commit rollback
`
  .trim()
  .split(/\s+/);

// Names that mean something to JavaScript objects; refusing them keeps records and metadata
// maps free of prototype tricks.
const JS_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'hasownproperty',
  'isprototypeof',
  'propertyisenumerable',
  'tostring',
  'valueof',
  'tolocalestring',
  '__definegetter__',
  '__definesetter__',
  '__lookupgetter__',
  '__lookupsetter__',
  'then',
];

// Postgres system column names exist on every table and cannot be used as column names.
const PG_SYSTEM_COLUMNS = ['oid', 'tableoid', 'xmin', 'xmax', 'cmin', 'cmax', 'ctid'];

// Postgres' own catalog schema name.
const ENGINE_NAMES = ['information_schema'];

const DENIED = new Set<string>([
  ...SQL_RESERVED,
  ...JS_NAMES,
  ...PG_SYSTEM_COLUMNS,
  ...ENGINE_NAMES,
  ...SYSTEM_COLUMNS,
]);

export type ApiNameProblem = { code: ErrorCode; message: string };

/** Why a name is refused, or undefined when it is a usable API name. */
export function checkApiName(name: unknown): ApiNameProblem | undefined {
  if (typeof name !== 'string') return { code: 'type', message: 'must be a string' };
  if (!API_NAME_PATTERN.test(name)) {
    return {
      code: 'pattern',
      message: 'must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 40 characters)',
    };
  }
  if (name.startsWith('pg_'))
    return { code: 'reserved', message: `"${name}" is reserved: names starting with pg_ belong to PostgreSQL` };
  if (name.includes('__'))
    return {
      code: 'reserved',
      message: `"${name}" is reserved: a double underscore names the parts of composite fields`,
    };
  if (DENIED.has(name)) return { code: 'reserved', message: `"${name}" is a reserved word` };
  return undefined;
}
