import jsonLogic from 'json-logic-js';

/**
 * json-logic, fenced in. Expressions come from metadata that admins write, so before one is saved
 * it must use only the operations below (never `method`, which calls arbitrary JS methods), stay
 * within a depth and size budget, and name only fields the object has.
 */
const ALLOWED = new Set([
  'today',
  'now',
  'add_days',
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
  'substr',
  'merge',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
]);
const MAX_DEPTH = 32;
const MAX_NODES = 500;

/** The operations a saved expression may use, for editors to complete (the same list checkLogic enforces). */
export const LOGIC_OPERATIONS: readonly string[] = [...ALLOWED];

jsonLogic.rm_operation('method');
// Date helpers for defaults and rules: today's date (UTC, YYYY-MM-DD), the current instant, and
// a date moved by whole days.
jsonLogic.add_operation('today', () => new Date().toISOString().slice(0, 10));
jsonLogic.add_operation('now', () => new Date().toISOString());
jsonLogic.add_operation('add_days', (date: unknown, days: unknown) => {
  const base = typeof date === 'string' ? Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date) : NaN;
  if (Number.isNaN(base) || typeof days !== 'number' || !Number.isFinite(days)) return null;
  return new Date(base + Math.trunc(days) * 86_400_000).toISOString().slice(0, 10);
});

export interface LogicCheck {
  errors: { path: string; message: string }[];
  /** The top-level field names the expression reads through `var`. */
  vars: Set<string>;
  /** The whole names it reads (`account.name`, `$old.stage`). */
  paths: Set<string>;
}

export function checkLogic(expression: unknown): LogicCheck {
  const errors: LogicCheck['errors'] = [];
  const vars = new Set<string>();
  const paths = new Set<string>();
  let nodes = 0;
  // Inside map/filter/reduce/all/some/none, `var` refers to the current element, not the record.
  const walk = (node: unknown, path: string, depth: number, scoped: boolean): void => {
    if (++nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1) errors.push({ path, message: `expression is larger than ${MAX_NODES} nodes` });
      return;
    }
    if (depth > MAX_DEPTH) {
      errors.push({ path, message: `expression is nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}/${i}`, depth + 1, scoped));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      errors.push({ path, message: 'an operation is an object with exactly one key' });
      return;
    }
    const op = keys[0]!;
    if (!ALLOWED.has(op)) {
      errors.push({ path, message: `operation "${op}" is not allowed` });
      return;
    }
    const args = (node as Record<string, unknown>)[op];
    if (op === 'var' && !scoped) {
      const name: unknown = Array.isArray(args) ? args[0] : args;
      if (typeof name === 'string' && name !== '') {
        vars.add(name.split('.')[0]!);
        paths.add(name);
      } else if (typeof name !== 'number') errors.push({ path, message: 'var needs a field name' });
    }
    const iterating = ['map', 'filter', 'reduce', 'all', 'none', 'some'].includes(op);
    if (iterating && Array.isArray(args)) {
      args.forEach((arg, i) => walk(arg, `${path}/${op}/${i}`, depth + 1, scoped || i > 0));
    } else {
      walk(args, `${path}/${op}`, depth + 1, scoped);
    }
  };
  walk(expression, '', 0, false);
  return { errors, vars, paths };
}

/** Evaluates an expression that passed checkLogic. */
export function evaluate(expression: unknown, data: Record<string, unknown>): unknown {
  return jsonLogic.apply(expression as jsonLogic.RulesLogic, data);
}

export const truthy = (value: unknown): boolean => jsonLogic.truthy(value);
