/**
 * json-logic with renamed fields renamed: every `var` (`name`, `name.path`, `$old.name`) that
 * reads the record. Shared by what follows a field rename (workflows, layout rules). Pure.
 */

/** json-logic operations whose second argument reads the element, not the record. */
const SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

/** `name`, `name.path` or `$old.name`, with the field renamed. */
export function renamePath(path: string, renamed: ReadonlyMap<string, string>): string {
  const parts = path.split('.');
  const at = parts[0] === '$old' ? 1 : 0;
  if (parts[at] !== undefined) parts[at] = renamed.get(parts[at]) ?? parts[at];
  return parts.join('.');
}

export function renameLogic(expression: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (!renamed.size) return expression;
  if (Array.isArray(expression)) return expression.map((e) => renameLogic(e, renamed));
  if (!expression || typeof expression !== 'object') return expression;
  return Object.fromEntries(
    Object.entries(expression).map(([op, args]) => {
      if (op === 'var') {
        if (typeof args === 'string') return [op, renamePath(args, renamed)];
        if (Array.isArray(args) && typeof args[0] === 'string')
          return [op, [renamePath(args[0], renamed), ...(args as unknown[]).slice(1)]];
        return [op, args];
      }
      if (SCOPED.has(op) && Array.isArray(args))
        return [op, [renameLogic(args[0], renamed), ...(args as unknown[]).slice(1)]];
      return [op, renameLogic(args, renamed)];
    }),
  );
}
