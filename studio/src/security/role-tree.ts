import type { Role } from './security.api';

/**
 * The role hierarchy as a tree, from the flat list the metadata holds (each role names its
 * parent). Pure. A role whose parent is missing is shown at the top rather than lost; a loop (the
 * engine refuses them, but a draft could be imported with one) is broken where it is met.
 */

export interface RoleNode {
  role: Role;
  depth: number;
  children: RoleNode[];
}

const byLabelThenName = (label: (r: Role) => string) => (a: Role, b: Role) =>
  label(a).localeCompare(label(b)) || a.apiName.localeCompare(b.apiName);

export function buildRoleTree(roles: readonly Role[], label: (r: Role) => string = (r) => r.apiName): RoleNode[] {
  const names = new Set(roles.map((r) => r.apiName));
  const childrenOf = new Map<string | undefined, Role[]>();
  for (const role of roles) {
    const parent = role.parent !== undefined && names.has(role.parent) ? role.parent : undefined;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), role]);
  }
  const placed = new Set<string>();
  const grow = (role: Role, depth: number): RoleNode => {
    placed.add(role.apiName);
    const children = (childrenOf.get(role.apiName) ?? [])
      .filter((c) => !placed.has(c.apiName))
      .sort(byLabelThenName(label))
      .map((c) => grow(c, depth + 1));
    return { role, depth, children };
  };
  const tree = (childrenOf.get(undefined) ?? []).sort(byLabelThenName(label)).map((r) => grow(r, 0));
  // Roles only reachable through a loop: shown at the top so they can be moved out of it.
  for (const role of [...roles].sort(byLabelThenName(label))) if (!placed.has(role.apiName)) tree.push(grow(role, 0));
  return tree;
}

/** The tree in reading order, as the screen lists it (one row per role, indented by depth). */
export function flatten(tree: readonly RoleNode[]): RoleNode[] {
  return tree.flatMap((n) => [n, ...flatten(n.children)]);
}

/** The role and every role below it: none of them may become its parent. */
export function selfAndBelow(roles: readonly Role[], apiName: string): Set<string> {
  const below = new Set([apiName]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of roles)
      if (r.parent !== undefined && below.has(r.parent) && !below.has(r.apiName)) {
        below.add(r.apiName);
        grew = true;
      }
  }
  return below;
}

/** The role moved under `parent` (undefined: to the top); the same object when nothing changes. */
export function reparented(role: Role, parent: string | undefined): Role {
  if (role.parent === parent) return role;
  const { parent: _old, ...rest } = role;
  return parent === undefined ? rest : { ...rest, parent };
}
