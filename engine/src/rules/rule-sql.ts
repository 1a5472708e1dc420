import type { FormulaKind, SqlFragment } from '../fields/field-type.js';

/**
 * A validation rule's json-logic condition as SQL that is true only when the rule certainly
 * passes (its condition is falsy the way json-logic-js judges it), so a write can check its rules
 * in the statement that makes it. The SQL never answers true where json-logic would find the
 * condition truthy; where it cannot tell (an operation or a mix of types outside the subset
 * below, a value whose JavaScript comparison SQL does not reproduce) there is no SQL, and the
 * caller checks the rule in JavaScript instead.
 *
 * The subset: `var` of a text, number, boolean or date field; string, number, boolean and null
 * literals; `==` `===` `!=` `!==` between values of one kind (or with null), `<` `<=` `>` `>=`
 * between numbers or dates, `in` of a value in a list of literals, `!`, `!!`, `and`, `or`.
 * Each part compiles to two conditions that are never NULL: `t`, certainly truthy, and `f`,
 * certainly falsy. Numbers compare exactly, where JavaScript compares their nearest doubles: the
 * two can only differ beyond 15 significant digits.
 */

/** A value the condition reads: a field of the record (a column or the value being written). */
export interface RuleValue {
  kind: FormulaKind;
  sql: SqlFragment;
}

type Kind = 'text' | 'number' | 'boolean' | 'date';
interface Value {
  kind: Kind | 'null';
  sql: SqlFragment;
  /** A string written in the rule itself (not a field's value). */
  text?: string;
}
interface Truth {
  t: SqlFragment;
  f: SqlFragment;
}

/** The kinds a rule can read, and the SQL type a value of each is cast to. */
export const RULE_SQL_TYPES: Record<Kind, string> = {
  text: 'text',
  number: 'numeric',
  boolean: 'boolean',
  date: 'date',
};
const COMPARE: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const EQUALITY = new Set(['==', '===', '!=', '!==']);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_DEPTH = 32;

class Unsupported extends Error {}

/** `template` with $0, $1 … replaced by the parts (each in parentheses), bindings in the order they appear. */
const frag = (template: string, ...parts: SqlFragment[]): SqlFragment => {
  const bindings: unknown[] = [];
  const sql = template.replace(/\$(\d)/g, (_m, n: string) => {
    const part = parts[Number(n)]!;
    bindings.push(...part.bindings);
    return `(${part.sql})`;
  });
  return { sql, bindings };
};
const constant = (value: boolean): SqlFragment => ({ sql: value ? 'true' : 'false', bindings: [] });
const join = (parts: SqlFragment[], op: 'and' | 'or'): SqlFragment => ({
  sql: parts.map((p) => `(${p.sql})`).join(` ${op} `),
  bindings: parts.flatMap((p) => p.bindings),
});

/**
 * SQL true only when `condition` is certainly falsy for the record `fields` describes, or
 * undefined when the condition is outside the subset.
 */
export function ruleHoldsSql(
  condition: unknown,
  fields: (name: string) => RuleValue | undefined,
): SqlFragment | undefined {
  try {
    return truthOf(condition, fields, 0).f;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function truthOf(node: unknown, fields: (name: string) => RuleValue | undefined, depth: number): Truth {
  if (depth > MAX_DEPTH) throw new Unsupported();
  const op = operation(node);
  if (!op) return truthiness(valueOf(node, fields));
  const args = op.args;
  const sub = (n: unknown) => truthOf(n, fields, depth + 1);
  switch (op.name) {
    case '!':
    case '!!': {
      if (args.length !== 1) throw new Unsupported();
      const inner = sub(args[0]);
      return op.name === '!' ? { t: inner.f, f: inner.t } : inner;
    }
    case 'and':
    case 'or': {
      if (!args.length) throw new Unsupported();
      const parts = args.map(sub);
      const t = join(
        parts.map((p) => p.t),
        op.name,
      );
      const f = join(
        parts.map((p) => p.f),
        op.name === 'and' ? 'or' : 'and',
      );
      return { t, f };
    }
    case 'in':
      return membership(args, fields);
    default:
      if (EQUALITY.has(op.name)) return equality(op.name, args, fields);
      if (op.name in COMPARE) return ordering(op.name, args, fields);
      // `var` alone, or anything else: a value, judged by its truthiness.
      return truthiness(valueOf(node, fields));
  }
}

function operation(node: unknown): { name: string; args: unknown[] } | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) throw new Unsupported();
  const name = keys[0]!;
  const raw = (node as Record<string, unknown>)[name];
  return { name, args: Array.isArray(raw) ? raw : [raw] };
}

/** A leaf: a field or a literal. */
function valueOf(node: unknown, fields: (name: string) => RuleValue | undefined): Value {
  if (node === null) return { kind: 'null', sql: { sql: 'null', bindings: [] } };
  if (typeof node === 'string') return { kind: 'text', sql: { sql: '?::text', bindings: [node] }, text: node };
  if (typeof node === 'number') {
    if (!Number.isFinite(node)) throw new Unsupported();
    return { kind: 'number', sql: { sql: '?::numeric', bindings: [node] } };
  }
  if (typeof node === 'boolean') return { kind: 'boolean', sql: constant(node) };
  const op = operation(node);
  if (op?.name !== 'var' || op.args.length !== 1 || typeof op.args[0] !== 'string') throw new Unsupported();
  const field = fields(op.args[0]);
  if (!field || !(field.kind in RULE_SQL_TYPES)) throw new Unsupported();
  return { kind: field.kind as Kind, sql: field.sql };
}

/** json-logic's truthiness: null, '', 0 and false are falsy. */
function truthiness(value: Value): Truth {
  const x = value.sql;
  switch (value.kind) {
    case 'null':
      return { t: constant(false), f: constant(true) };
    case 'text':
      return { t: frag("coalesce($0 <> '', false)", x), f: frag("coalesce($0 = '', true)", x) };
    case 'number':
      return { t: frag('coalesce($0 <> 0, false)', x), f: frag('coalesce($0 = 0, true)', x) };
    case 'boolean':
      return { t: frag('coalesce($0, false)', x), f: frag('coalesce(not $0, true)', x) };
    case 'date':
      return { t: frag('$0 is not null', x), f: frag('$0 is null', x) };
  }
}

/**
 * `==` and friends. Between values of one kind JavaScript's == is ===, and a field read as null
 * equals only null: exactly IS NOT DISTINCT FROM. A date field holds 'YYYY-MM-DD' text in
 * JavaScript, so it equals a string literal only in that form (compared as a date here).
 */
function equality(op: string, args: unknown[], fields: (name: string) => RuleValue | undefined): Truth {
  if (args.length !== 2) throw new Unsupported();
  const [a, b] = comparable(valueOf(args[0], fields), valueOf(args[1], fields));
  // === with null would also tell undefined from null; a record's fields are never undefined.
  const same = frag('$0 is not distinct from $1', a.sql, b.sql);
  const differs = frag('$0 is distinct from $1', a.sql, b.sql);
  return op.startsWith('!') ? { t: differs, f: same } : { t: same, f: differs };
}

/**
 * `<` and friends between numbers (JavaScript reads null as 0 there) or between dates (a null
 * date compares as NaN: every comparison is false).
 */
function ordering(op: string, args: unknown[], fields: (name: string) => RuleValue | undefined): Truth {
  if (args.length !== 2) throw new Unsupported();
  const [a, b] = comparable(valueOf(args[0], fields), valueOf(args[1], fields));
  const sign = COMPARE[op]!;
  if (a.kind === 'number' && b.kind === 'number') {
    const holds = frag(`coalesce($0, 0) ${sign} coalesce($1, 0)`, a.sql, b.sql);
    return { t: holds, f: frag('not $0', holds) };
  }
  if (a.kind === 'date' && b.kind === 'date') {
    const cmp = frag(`$0 ${sign} $1`, a.sql, b.sql);
    return { t: frag('coalesce($0, false)', cmp), f: frag('coalesce(not $0, true)', cmp) };
  }
  throw new Unsupported();
}

/** `in` of a field's value in a list of literals of its kind (JavaScript's indexOf: ===). */
function membership(args: unknown[], fields: (name: string) => RuleValue | undefined): Truth {
  if (args.length !== 2 || !Array.isArray(args[1]) || !args[1].length) throw new Unsupported();
  const needle = valueOf(args[0], fields);
  if (needle.kind !== 'text' && needle.kind !== 'number') throw new Unsupported();
  const options = (args[1] as unknown[]).map((o) => {
    const option = valueOf(o, fields);
    if (option.kind !== needle.kind || !(typeof o === 'string' || typeof o === 'number')) throw new Unsupported();
    return option.sql;
  });
  const found: SqlFragment = {
    sql: `(${needle.sql.sql}) in (${options.map((o) => o.sql).join(', ')})`,
    bindings: [...needle.sql.bindings, ...options.flatMap((o) => o.bindings)],
  };
  return { t: frag('coalesce($0, false)', found), f: frag('coalesce(not $0, true)', found) };
}

/** Two values one comparison can take: one kind, or one of them null; a date with an ISO date literal. */
function comparable(a: Value, b: Value): [Value, Value] {
  const asDate = (v: Value, other: Value): Value => {
    if (other.kind !== 'date' || v.text === undefined) return v;
    if (!isIsoDate(v.text)) throw new Unsupported();
    return { kind: 'date', sql: { sql: '?::date', bindings: [v.text] } };
  };
  const [x, y] = [asDate(a, b), asDate(b, a)];
  if (x.kind === 'null' || y.kind === 'null' || x.kind === y.kind) return [x, y];
  throw new Unsupported();
}

function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
