import { CONFIG_FOLDERS, exportedItem, itemPath } from './config-files.js';
import type { MetadataSnapshot } from './types.js';

/**
 * What differs between two configurations, file by file, and within a changed file the JSON
 * pointers that differ — what `tessera metadata diff` prints. Pure. Both sides are compared as
 * they would be exported (secrets left out), so formatting and key order never count.
 */

export interface ConfigFileChange {
  file: string;
  change: 'added' | 'removed' | 'changed';
  /** For a changed file: each differing place, `+` added, `-` removed, `~` changed, `↕` reordered. */
  paths?: { op: '+' | '-' | '~' | '↕'; pointer: string }[];
}

type PathChange = NonNullable<ConfigFileChange['paths']>[number];

const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Arrays of items (fields, sections, actions) are matched by id, or by apiName for one written
 * without an id yet, so inserting or removing one reports one change, not a shift of all after it.
 */
const keyOf = (v: unknown) =>
  isObject(v) ? (typeof v.id === 'string' ? v.id : typeof v.apiName === 'string' ? v.apiName : undefined) : undefined;

function matchItems(before: unknown[], after: unknown[]): (number | undefined)[] | undefined {
  if (![...before, ...after].every((v) => keyOf(v) !== undefined)) return undefined;
  const used = new Set<number>();
  const find = (test: (v: Record<string, unknown>) => boolean) => {
    const j = before.findIndex((v, k) => !used.has(k) && test(v as Record<string, unknown>));
    return j < 0 ? undefined : (used.add(j), j);
  };
  return after.map((v) => {
    const item = v as Record<string, unknown>;
    return (
      (typeof item.id === 'string' ? find((b) => b.id === item.id) : undefined) ??
      find(
        (b) =>
          typeof item.apiName === 'string' &&
          b.apiName === item.apiName &&
          (item.id === undefined || b.id === undefined),
      )
    );
  });
}

export function jsonChanges(before: unknown, after: unknown, at = ''): PathChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const pointer = `${at}/${escape(k)}`;
      if (!(k in before)) return [{ op: '+' as const, pointer }];
      if (!(k in after)) return [{ op: '-' as const, pointer }];
      return jsonChanges(before[k], after[k], pointer);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const matched = matchItems(before, after);
    if (matched) {
      const out: PathChange[] = [];
      matched.forEach((j, i) =>
        out.push(
          ...(j === undefined
            ? [{ op: '+' as const, pointer: `${at}/${i}` }]
            : jsonChanges(before[j], after[i], `${at}/${i}`)),
        ),
      );
      before.forEach((_, j) => {
        if (!matched.includes(j)) out.push({ op: '-', pointer: `${at}/${j}` });
      });
      const order = matched.filter((j) => j !== undefined);
      if (order.some((j, k) => k > 0 && j < order[k - 1]!)) out.push({ op: '↕', pointer: at || '/' });
      return out;
    }
    const out: PathChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) out.push({ op: '+', pointer: `${at}/${i}` });
      else if (i >= after.length) out.push({ op: '-', pointer: `${at}/${i}` });
      else out.push(...jsonChanges(before[i], after[i], `${at}/${i}`));
    }
    return out;
  }
  return same(before, after) ? [] : [{ op: '~', pointer: at || '/' }];
}

/** File by file, in path order: what `after` adds, removes and changes relative to `before`. */
export function diffConfigs(before: MetadataSnapshot, after: MetadataSnapshot): ConfigFileChange[] {
  const changes: ConfigFileChange[] = [];
  for (const { kind, folder, key } of CONFIG_FOLDERS) {
    const items = (s: MetadataSnapshot) =>
      new Map(((s[key] ?? []) as { apiName: string }[]).map((i) => [i.apiName, exportedItem(kind, i)]));
    const [was, now] = [items(before), items(after)];
    for (const name of [...new Set([...was.keys(), ...now.keys()])]) {
      const file = itemPath(folder, name);
      if (!was.has(name)) changes.push({ file, change: 'added' });
      else if (!now.has(name)) changes.push({ file, change: 'removed' });
      else {
        const paths = jsonChanges(was.get(name), now.get(name));
        if (paths.length) changes.push({ file, change: 'changed', paths });
      }
    }
  }
  return changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The changes as lines for a terminal. */
export function describeConfigChanges(changes: readonly ConfigFileChange[]): string[] {
  return changes.flatMap((c) => [
    `${c.change.padEnd(8)} ${c.file}`,
    ...(c.paths ?? []).map((p) => `           ${p.op} ${p.pointer}`),
  ]);
}
