import type { Label } from '../api/studio.api';

/** A validation rule as the draft holds it (metadata/schemas/validation-rule.schema.json). */
export interface ValidationRule {
  id?: string;
  apiName: string;
  /** json-logic; TRUE means the record is invalid. */
  condition: unknown;
  message: Label;
  errorField?: string;
  active?: boolean;
  description?: string;
}

/** The object's rules after saving `rule` in place of `before` (by id, else name), or added at the end. */
export function withRule(rules: readonly ValidationRule[], rule: ValidationRule, before?: ValidationRule) {
  if (!before) return [...rules, rule];
  const same = (r: ValidationRule) => (before.id ? r.id === before.id : r.apiName === before.apiName);
  return rules.map((r) => (same(r) ? rule : r));
}

/** The object's rules without `rule`. */
export const withoutRule = (rules: readonly ValidationRule[], rule: ValidationRule) =>
  rules.filter((r) => (rule.id ? r.id !== rule.id : r.apiName !== rule.apiName));
