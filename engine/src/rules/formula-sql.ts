import type { FormulaKind } from '../fields/field-type.js';
import { RETURN_SQL_TYPES } from '../fields/formula.js';
import { fieldType, FIELD_TYPE_DEFS } from '../fields/index.js';
import type { FieldDef, FormulaReturnType } from '../metadata/types.js';

/**
 * Formula fields are json-logic compiled to a SQL expression, which becomes a generated column:
 * the database computes it on every write, on every path, and lists can filter, sort and index
 * it like any column. The compiler type-checks as it goes (a text field in a sum is refused when
 * the formula is saved, not when the DDL runs) and only emits immutable SQL, as generated
 * columns require. Identifiers come from the object's fields and are quoted; literals are escaped.
 *
 * SQL semantics apply: an empty (null) operand makes the result empty, except in `cat`, which
 * treats it as ''. Use `if` to choose a fallback.
 */

export type Kind = FormulaKind;
export interface Compiled {
  sql: string;
  kind: Kind | 'null';
}
export interface FormulaError {
  path: string;
  message: string;
}

/** What a formula of a return type must compute: what a field of that type reads as in a formula. */
function returnKind(returnType: FormulaReturnType): Kind {
  const kind = FIELD_TYPE_DEFS[returnType].formulaKind;
  if (!kind) throw new Error(`formulas cannot read ${returnType} fields, so cannot return one`);
  return kind;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;

class FormulaFailure extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const COMPARE: Record<string, string> = {
  '==': '=',
  '===': '=',
  '!=': '<>',
  '!==': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
const ARITHMETIC: Record<string, string> = { '+': '+', '-': '-', '*': '*', '/': '/', '%': '%' };
const MAX_DEPTH = 32;

/** Which fields a formula may read, and the table alias to qualify them with (none in a generated column). */
interface Scope {
  fields: ReadonlyMap<string, FieldDef>;
  alias?: string;
}

export function compileFormula(
  expression: unknown,
  fields: ReadonlyMap<string, FieldDef>,
  returnType: FormulaReturnType,
  alias?: string,
): { sql?: string; errors: FormulaError[] } {
  try {
    const body = compile(expression, '', { fields, alias }, 0);
    const want = returnKind(returnType);
    if (body.kind !== 'null' && body.kind !== want && !(want === 'timestamp' && body.kind === 'date')) {
      throw new FormulaFailure('', `the expression gives ${body.kind}, but returnType ${returnType} needs ${want}`);
    }
    return { sql: `(${body.sql})::${RETURN_SQL_TYPES[returnType]}`, errors: [] };
  } catch (e) {
    if (e instanceof FormulaFailure) return { errors: [{ path: e.path, message: e.message }] };
    throw e;
  }
}

/**
 * The kind of value an expression computes (what its return type must read as), or its errors:
 * the same compiler as compileFormula, without a return type to hold it to, so an editor can say
 * what a formula gives before one is chosen.
 */
export function formulaKind(
  expression: unknown,
  fields: ReadonlyMap<string, FieldDef>,
): { kind?: Kind | 'null'; errors: FormulaError[] } {
  try {
    return { kind: compile(expression, '', { fields }, 0).kind, errors: [] };
  } catch (e) {
    if (e instanceof FormulaFailure) return { errors: [{ path: e.path, message: e.message }] };
    throw e;
  }
}

function compile(node: unknown, path: string, scope: Scope, depth: number): Compiled {
  if (depth > MAX_DEPTH) throw new FormulaFailure(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (node === null) return { sql: 'null', kind: 'null' };
  if (typeof node === 'number') {
    if (!Number.isFinite(node)) throw new FormulaFailure(path, 'numbers must be finite');
    return { sql: `(${String(node)})::numeric`, kind: 'number' };
  }
  if (typeof node === 'string') {
    if (node.includes('\0')) throw new FormulaFailure(path, 'text cannot hold NUL');
    return { sql: `${quoteText(node)}::text`, kind: 'text' };
  }
  if (typeof node === 'boolean') return { sql: node ? 'true' : 'false', kind: 'boolean' };
  if (Array.isArray(node) || typeof node !== 'object')
    throw new FormulaFailure(path, 'arrays are only allowed as operation arguments');
  const keys = Object.keys(node);
  if (keys.length !== 1) throw new FormulaFailure(path, 'an operation is an object with exactly one key');
  const op = keys[0]!;
  const raw = (node as Record<string, unknown>)[op];
  const args: unknown[] = Array.isArray(raw) ? raw : [raw];
  const at = `${path}/${op}`;
  const sub = (i: number) => compile(args[i], `${at}/${i}`, scope, depth + 1);
  const all = () => args.map((_, i) => sub(i));
  const expect = (c: Compiled, kinds: Kind[], i: number): string => {
    if (c.kind !== 'null' && !kinds.includes(c.kind))
      throw new FormulaFailure(`${at}/${i}`, `"${op}" needs ${kinds.join(' or ')}, not ${c.kind}`);
    return c.sql;
  };

  if (op === 'var') {
    const name = args[0];
    if (typeof name !== 'string') throw new FormulaFailure(at, 'var needs a field name');
    const field = scope.fields.get(name);
    const kind = field && fieldType(field).formulaKind;
    if (!field) throw new FormulaFailure(at, `"${name}" is not a field of this object`);
    if (!kind) throw new FormulaFailure(at, `${field.type} fields cannot be used in formulas`);
    return { sql: (scope.alias ? `${quoteIdent(scope.alias)}.` : '') + quoteIdent(field.apiName), kind };
  }
  if (op in ARITHMETIC) {
    if (args.length < 1 || ((op === '-' || op === '/' || op === '%') && args.length > 2))
      throw new FormulaFailure(at, `"${op}" takes ${op === '-' ? '1 or 2' : 'at least 1'} arguments`);
    const parts = all().map((c, i) => expect(c, ['number'], i));
    if (args.length === 1) return { sql: op === '-' ? `(-${parts[0]})` : parts[0]!, kind: 'number' };
    // Division by zero gives an empty value rather than failing the write.
    if (op === '/' || op === '%')
      return { sql: `(${parts[0]} ${ARITHMETIC[op]} nullif(${parts[1]}, 0))`, kind: 'number' };
    return { sql: `(${parts.join(` ${ARITHMETIC[op]} `)})`, kind: 'number' };
  }
  if (op === 'min' || op === 'max') {
    if (!args.length) throw new FormulaFailure(at, `"${op}" needs arguments`);
    return {
      sql: `${op === 'min' ? 'least' : 'greatest'}(${all()
        .map((c, i) => expect(c, ['number'], i))
        .join(', ')})`,
      kind: 'number',
    };
  }
  if (op in COMPARE) {
    if (args.length !== 2) throw new FormulaFailure(at, `"${op}" compares two values`);
    const [a, b] = [sub(0), sub(1)];
    if (a.kind !== 'null' && b.kind !== 'null' && a.kind !== b.kind && !(isTemporal(a.kind) && isTemporal(b.kind))) {
      throw new FormulaFailure(at, `cannot compare ${a.kind} with ${b.kind}`);
    }
    if (a.kind === 'null' || b.kind === 'null') {
      const other = a.kind === 'null' ? b : a;
      const negate = COMPARE[op] === '<>';
      if (COMPARE[op] !== '=' && !negate) throw new FormulaFailure(at, 'only == and != compare with null');
      return { sql: `(${other.sql} is ${negate ? 'not ' : ''}null)`, kind: 'boolean' };
    }
    return { sql: `(${a.sql} ${COMPARE[op]} ${b.sql})`, kind: 'boolean' };
  }
  if (op === 'and' || op === 'or') {
    if (!args.length) throw new FormulaFailure(at, `"${op}" needs arguments`);
    return {
      sql: `(${all()
        .map((c, i) => expect(c, ['boolean'], i))
        .join(` ${op} `)})`,
      kind: 'boolean',
    };
  }
  if (op === '!') return { sql: `(not ${expect(sub(0), ['boolean'], 0)})`, kind: 'boolean' };
  if (op === '!!') return { sql: `(${sub(0).sql} is not null)`, kind: 'boolean' };
  if (op === 'if' || op === '?:') {
    if (args.length < 3 || args.length % 2 === 0)
      throw new FormulaFailure(at, `"${op}" takes condition, then, [condition, then …], else`);
    const parts = all();
    let kind: Compiled['kind'] = 'null';
    const branches: string[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      branches.push(`when ${expect(parts[i]!, ['boolean'], i)} then ${parts[i + 1]!.sql}`);
      kind = unify(kind, parts[i + 1]!, `${at}/${i + 1}`);
    }
    kind = unify(kind, parts[parts.length - 1]!, `${at}/${parts.length - 1}`);
    return { sql: `(case ${branches.join(' ')} else ${parts[parts.length - 1]!.sql} end)`, kind };
  }
  if (op === 'cat') {
    const parts = all().map((c, i) => {
      // date and timestamp to text depends on the session's DateStyle: not immutable
      if (isTemporal(c.kind)) throw new FormulaFailure(`${at}/${i}`, 'dates cannot be joined into text');
      return `coalesce((${c.sql})::text, '')`;
    });
    return { sql: `(${parts.join(' || ') || "''"})`, kind: 'text' };
  }
  if (op === 'substr') {
    const text = expect(sub(0), ['text'], 0);
    const start = args[1];
    const length = args[2];
    if (!Number.isInteger(start) || (start as number) < 0)
      throw new FormulaFailure(`${at}/1`, 'substr start must be a whole number ≥ 0');
    if (length !== undefined && (!Number.isInteger(length) || (length as number) < 0))
      throw new FormulaFailure(`${at}/2`, 'substr length must be a whole number ≥ 0');
    return {
      sql: `substr(${text}, ${(start as number) + 1}${length === undefined ? '' : `, ${length as number}`})`,
      kind: 'text',
    };
  }
  if (op === 'in') {
    const needle = sub(0);
    if (Array.isArray(args[1])) {
      const options = (args[1] as unknown[]).map((v, i) => compile(v, `${at}/1/${i}`, scope, depth + 2));
      options.forEach((o, i) => {
        if (o.kind !== needle.kind) throw new FormulaFailure(`${at}/1/${i}`, `list values must be ${needle.kind}`);
      });
      return { sql: `(${needle.sql} in (${options.map((o) => o.sql).join(', ') || 'null'}))`, kind: 'boolean' };
    }
    return { sql: `(strpos(${expect(sub(1), ['text'], 1)}, ${expect(needle, ['text'], 0)}) > 0)`, kind: 'boolean' };
  }
  throw new FormulaFailure(at, `operation "${op}" is not available in formulas`);
}

const isTemporal = (k: Compiled['kind']) => k === 'date' || k === 'timestamp';

function unify(current: Compiled['kind'], next: Compiled, path: string): Compiled['kind'] {
  if (current === 'null') return next.kind;
  if (next.kind === 'null' || next.kind === current) return current;
  throw new FormulaFailure(path, `every branch must give the same type (${current}, not ${next.kind})`);
}
