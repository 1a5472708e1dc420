import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { accessSql, predicateShape, type AccessPredicate } from '../query/access-predicate.js';
import { fieldsKey, recordJson } from '../query/record-json.js';
import { SESSION_HOLDS, SESSION_COLUMN, sessionCte } from '../query/session-check.js';
import { RULE_SQL_TYPES, ruleHoldsSql, type RuleValue } from '../rules/rule-sql.js';
import type { Caller } from '../security/caller.js';
import type { FieldChange } from './history.js';
import { remembered } from '../lib/remembered.js';

/**
 * The write of a single update by id, as one statement that is atomic on its own: the UPDATE,
 * only while the record is still at the version the caller's checks read (`expected`), its
 * `updated` history entries, and the answer — the new version and the record as JSON built by
 * Postgres with the fields in `only`. No row back means the record changed (or went to the
 * recycle bin) since it was read. Columns are written in name order, so a shape of update is one
 * text; the history entries travel as three bound arrays, whatever their number.
 */
export function updateStatement(
  schema: string,
  object: CompiledObject,
  target: { id: string; expected: number },
  columns: Record<string, unknown>,
  changes: readonly FieldChange[],
  only: ReadonlySet<string> | undefined,
  caller: Caller,
): SqlFragment {
  const names = Object.keys(columns).sort();
  const json = recordJson(object, '_u', only);
  return {
    sql:
      `with _u as (update ?? as r set ${names.map(() => '?? = ?').join(', ')}${names.length ? ', ' : ''}` +
      `version = r.version + 1, updated_at = now(), updated_by = ? ` +
      `where r.id = ? and r.version = ? and r.deleted_at is null returning r.*), ` +
      `_h as (insert into ?? (object_id, record_id, event, field, old_value, new_value, user_id, via) ` +
      `select ?, _u.id, 'updated', c.f, c.o::jsonb, c.n::jsonb, ?, ? from _u, unnest(?::text[], ?::text[], ?::text[]) as c(f, o, n)) ` +
      `select _u.version as _version, ${json.sql} as _json from _u`,
    bindings: [
      `${schema}.${object.table}`,
      ...names.flatMap((n) => [n, columns[n]]),
      caller.userId,
      target.id,
      target.expected,
      `${schema}._field_history`,
      object.def.id,
      caller.userId,
      caller.via,
      changes.map((c) => c.field),
      changes.map((c) => c.old),
      changes.map((c) => c.new),
      ...json.bindings,
    ],
  };
}

/** An update that can be one statement: its values, checked alone (validateBody's `patch` mode). */
export interface Patch {
  id: string;
  ifMatch?: number;
  values: ReadonlyMap<string, unknown>;
  /** The values' columns (toColumnValues), companions included. */
  columns: Record<string, unknown>;
  /** The records the caller may see, and those they may edit. */
  read: AccessPredicate;
  edit: AccessPredicate;
}

/**
 * A whole update by id as one statement, when everything the checks read can be said in SQL:
 * the session (when presumed), the caller's read and edit access to the record, If-Match, the
 * required fields not sent and every validation rule on the record as it would be saved
 * (rules/rule-sql.ts), then the write, its `updated` history entries and the answer. Postgres
 * renders the entries' old and new values as JavaScript does (JSON.stringify of the values
 * toRecord gives), which holds for the text, number, boolean and date fields this takes.
 * Undefined when something cannot be said in SQL (another kind of field sent or read by a rule,
 * a value with a currency of its own, a rule outside rule-sql's subset): the caller reads the
 * record and checks in JavaScript. No row back (or `_version` null) means some check failed or
 * the record is not there; the caller then finds out which, under a lock, for the answer.
 */
export function patchStatement(
  schema: string,
  object: CompiledObject,
  patch: Patch,
  only: ReadonlySet<string> | undefined,
  caller: Caller,
): { sql: SqlFragment; key: string } | undefined {
  if (!patch.values.size) return undefined;
  for (const v of patch.values.values()) if (v !== null && typeof v === 'object') return undefined;
  const names = Object.keys(patch.columns).sort();
  const shape = patchShape(object, [...patch.values.keys()].sort());
  if (!shape) return undefined;
  // The values sent, where the shape's checks read them.
  const checks: SqlFragment[] = [
    {
      sql: shape.checks.sql,
      bindings: shape.checks.bindings.map((b) => (b instanceof Sent ? patch.values.get(b.name) : b)),
    },
  ];
  const { history } = shape;
  const target = { schema, alias: 'r', object };
  for (const predicate of [patch.read, patch.edit]) {
    const condition = accessSql(predicate, target);
    if (condition) checks.push(condition);
  }
  if (caller.session) checks.push({ sql: SESSION_HOLDS, bindings: [] });
  if (patch.ifMatch !== undefined) checks.push({ sql: 'r.version = ?', bindings: [patch.ifMatch] });

  // numeric(18,2) prints 5.50 where JavaScript prints 5.5.
  const json = (h: HistoryColumn) => (h.number ? 'to_jsonb(trim_scale(??))' : 'to_jsonb(??)');
  const answer = recordJson(object, '_u', only);
  const session = caller.session ? sessionCte(caller.session) : undefined;
  const sql: SqlFragment = {
    sql:
      (session ? `with _s as (${session.sql}), ` : 'with ') +
      `_o as (select r.* from ?? as r where r.id = ? and r.deleted_at is null), ` +
      `_u as (update ?? as r set ${names.map(() => '?? = ?').join(', ')}, ` +
      `version = r.version + 1, updated_at = now(), updated_by = ? from _o ` +
      `where r.id = _o.id and r.version = _o.version and r.deleted_at is null` +
      checks.map((c) => ` and (${c.sql})`).join('') +
      ` returning r.*), ` +
      `_h as (insert into ?? (object_id, record_id, event, field, old_value, new_value, user_id, via) ` +
      `select ?, _u.id, 'updated', c.f, c.o, c.n, ?, ? from _u, _o, lateral (values ` +
      history.map((h) => `(?, ${json(h)}, ${json(h)})`).join(', ') +
      `) as c(f, o, n) where c.o is distinct from c.n) ` +
      `select ${session ? `${SESSION_COLUMN}, ` : ''}_u.version as _version, ${answer.sql} as _json ` +
      (session ? 'from _s left join _u on true' : 'from _u'),
    bindings: [
      ...(session?.bindings ?? []),
      `${schema}.${object.table}`,
      patch.id,
      `${schema}.${object.table}`,
      ...names.flatMap((n) => [n, patch.columns[n]]),
      caller.userId,
      ...checks.flatMap((c) => c.bindings),
      `${schema}._field_history`,
      object.def.id,
      caller.userId,
      caller.via,
      ...history.flatMap((h) => [h.key, `_o.${h.column}`, `_u.${h.column}`]),
      ...answer.bindings,
    ],
  };
  const key = [
    'patch',
    names.join(','),
    fieldsKey(only),
    predicateShape(patch.read),
    predicateShape(patch.edit),
    caller.session ? 'checked' : '',
    patch.ifMatch === undefined ? '' : 'ifMatch',
  ].join('\u0000');
  return { sql, key };
}

/** A value sent, in the bindings of a shape's checks: the request's own value goes there. */
class Sent {
  constructor(readonly name: string) {}
}

interface HistoryColumn {
  /** The history entry's field: the field's name, or <field>__<companion>. */
  key: string;
  column: string;
  number: boolean;
}

interface PatchShape {
  /** The required fields not sent and every rule, over the stored row `r` and the values sent. */
  checks: SqlFragment;
  history: HistoryColumn[];
}

// What an update of a set of fields checks and records depends only on the object and that set:
// made once per release and set (compiling the rules on every request cost 8% of its CPU).
const shapes = new WeakMap<CompiledObject, Map<string, PatchShape | null>>();

function patchShape(object: CompiledObject, sent: readonly string[]): PatchShape | undefined {
  return remembered(shapes, object, sent.join(','), () => makeShape(object, new Set(sent)) ?? null) ?? undefined;
}

function makeShape(object: CompiledObject, sent: ReadonlySet<string>): PatchShape | undefined {
  const value = (name: string): RuleValue | undefined => {
    const field = object.fields.get(name);
    const kind = field?.type.formulaKind;
    if (!field || !kind || !(kind in RULE_SQL_TYPES)) return undefined;
    if (!sent.has(name)) return { kind, sql: { sql: '??', bindings: [`r.${field.columns[0]}`] } };
    return {
      kind,
      sql: { sql: `?::${RULE_SQL_TYPES[kind as keyof typeof RULE_SQL_TYPES]}`, bindings: [new Sent(name)] },
    };
  };
  if ([...sent].some((name) => !value(name))) return undefined;
  const checks: SqlFragment[] = [];
  for (const [name, field] of object.fields) {
    if (!field.def.required || field.type.readOnly || sent.has(name)) continue;
    const col = `r.${field.columns[0]}`;
    const kind = field.type.formulaKind;
    if (kind === 'text') checks.push({ sql: `?? is not null and ?? <> ''`, bindings: [col, col] });
    else if (kind || field.type.relation) checks.push({ sql: '?? is not null', bindings: [col] });
    else return undefined;
  }
  for (const rule of object.rules) {
    const holds = ruleHoldsSql(rule.condition, value);
    if (!holds) return undefined;
    checks.push(holds);
  }
  const history = [...sent].flatMap((name) => {
    const field = object.fields.get(name)!;
    return [name, ...Object.keys(field.type.companions ?? {}).map((k) => `${name}__${k}`)].map((key, i) => ({
      key,
      column: field.columns[i]!,
      number: i === 0 && field.type.formulaKind === 'number',
    }));
  });
  return {
    checks: checks.length
      ? { sql: checks.map((c) => `(${c.sql})`).join(' and '), bindings: checks.flatMap((c) => c.bindings) }
      : { sql: 'true', bindings: [] },
    history,
  };
}
