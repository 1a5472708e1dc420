import { describe, expect, it } from 'vitest';
import { recipientOf, ruleFrom, withRule } from './sharing-rules';
import type { SharingRule } from './security.api';

const rule: SharingRule = { id: 'r1', apiName: 'open', criteria: { '==': [1, 1] }, group: 'support', access: 'edit' };

describe('sharing rules in the form', () => {
  it('reads the one recipient a rule names', () => {
    expect(recipientOf(rule)).toEqual({ kind: 'group', name: 'support' });
    expect(recipientOf({ ...rule, group: undefined, roleAndSubordinates: 'ceo' })).toEqual({
      kind: 'roleAndSubordinates',
      name: 'ceo',
    });
    expect(recipientOf({ apiName: 'x', criteria: true, role: 'rep', access: 'read' })).toEqual({
      kind: 'role',
      name: 'rep',
    });
  });

  it('makes a rule with exactly one recipient, keeping the id of the rule edited', () => {
    const made = ruleFrom(
      { apiName: 'open', criteria: '{"==":[1,1]}', kind: 'role', recipient: 'rep', access: 'read' },
      rule,
    );
    expect(made).toEqual({
      rule: { id: 'r1', apiName: 'open', criteria: { '==': [1, 1] }, role: 'rep', access: 'read' },
    });
  });

  it('refuses criteria that are not JSON', () => {
    expect(ruleFrom({ apiName: 'x', criteria: '{nope', kind: 'group', recipient: 'g', access: 'read' })).toEqual({
      error: 'json',
    });
  });

  it('replaces a rule by its former name, or adds one at the end', () => {
    const other: SharingRule = { apiName: 'other', criteria: true, role: 'rep', access: 'read' };
    expect(withRule([rule, other], { ...rule, apiName: 'renamed' }, 'open').map((r) => r.apiName)).toEqual([
      'renamed',
      'other',
    ]);
    expect(withRule([rule], other).map((r) => r.apiName)).toEqual(['open', 'other']);
  });
});
