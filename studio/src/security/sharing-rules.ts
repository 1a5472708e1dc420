import type { SharingRule, ShareAccess } from './security.api';

/**
 * Sharing rules as the form edits them and back. Pure. The schema wants exactly one recipient
 * among role, roleAndSubordinates and group; the form picks the kind, then the name.
 */

export type RecipientKind = 'role' | 'roleAndSubordinates' | 'group';

export interface RuleValues {
  apiName: string;
  /** The criteria as JSON text. */
  criteria: string;
  kind: RecipientKind;
  recipient?: string;
  access: ShareAccess;
}

export function recipientOf(rule: SharingRule): { kind: RecipientKind; name: string } {
  if (rule.roleAndSubordinates !== undefined) return { kind: 'roleAndSubordinates', name: rule.roleAndSubordinates };
  if (rule.group !== undefined) return { kind: 'group', name: rule.group };
  return { kind: 'role', name: rule.role ?? '' };
}

/** The rule to store, keeping the id of the one edited; an error when the criteria are not JSON. */
export function ruleFrom(v: RuleValues, before?: SharingRule): { rule: SharingRule } | { error: 'json' } {
  let criteria: unknown;
  try {
    criteria = JSON.parse(v.criteria);
  } catch {
    return { error: 'json' };
  }
  return {
    rule: {
      ...(before?.id ? { id: before.id } : {}),
      apiName: v.apiName,
      criteria,
      [v.kind]: v.recipient ?? '',
      access: v.access,
    },
  };
}

/** The rules with one replaced (by its name before the edit) or added at the end. */
export function withRule(rules: readonly SharingRule[], rule: SharingRule, replacing?: string): SharingRule[] {
  if (replacing === undefined) return [...rules, rule];
  return rules.map((r) => (r.apiName === replacing ? rule : r));
}
