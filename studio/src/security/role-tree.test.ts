import { describe, expect, it } from 'vitest';
import { buildRoleTree, flatten, reparented, selfAndBelow } from './role-tree';
import type { Role } from './security.api';

const roles: Role[] = [
  { apiName: 'rep', label: 'Rep', parent: 'manager' },
  { apiName: 'manager', label: 'Manager', parent: 'ceo' },
  { apiName: 'ceo', label: 'CEO' },
  { apiName: 'agent', label: 'Agent', parent: 'ceo' },
  { apiName: 'orphan', label: 'Orphan', parent: 'gone' },
];

const shape = (rs: Role[]) => flatten(buildRoleTree(rs)).map((n) => `${'-'.repeat(n.depth)}${n.role.apiName}`);

describe('role tree', () => {
  it('nests roles under their parents, in name order, a missing parent at the top', () => {
    expect(shape(roles)).toEqual(['ceo', '-agent', '-manager', '--rep', 'orphan']);
  });

  it('sorts by the label it is given', () => {
    const tree = buildRoleTree(roles, (r) => (r.apiName === 'manager' ? 'A' : 'Z'));
    expect(tree[0]!.children.map((c) => c.role.apiName)).toEqual(['manager', 'agent']);
  });

  it('keeps every role of a loop, shown from the top', () => {
    const loop: Role[] = [
      { apiName: 'a', label: 'A', parent: 'b' },
      { apiName: 'b', label: 'B', parent: 'a' },
    ];
    expect(shape(loop)).toEqual(['a', '-b']);
  });

  it('knows which roles cannot become a parent', () => {
    expect([...selfAndBelow(roles, 'manager')].sort()).toEqual(['manager', 'rep']);
    expect([...selfAndBelow(roles, 'ceo')].sort()).toEqual(['agent', 'ceo', 'manager', 'rep']);
  });

  it('moves a role under another or to the top', () => {
    expect(reparented(roles[0]!, 'agent')).toEqual({ apiName: 'rep', label: 'Rep', parent: 'agent' });
    expect(reparented(roles[0]!, undefined)).toEqual({ apiName: 'rep', label: 'Rep' });
    expect(reparented(roles[0]!, 'manager')).toBe(roles[0]);
  });
});
