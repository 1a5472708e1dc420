import { layoutExpressionErrors } from './layout-rules.js';
import { invalid, type ErrorCode, type FieldError } from '../errors.js';
import { RETURN_SQL_TYPES, type FormulaReturnType } from '../fields/formula.js';
import { compileFormula, formulaKind } from '../rules/formula-sql.js';
import { checkLogic, LOGIC_OPERATIONS } from '../rules/json-logic.js';
import type { FieldDef, ObjectDef } from './types.js';
import { conditionErrors } from './validate.js';
import { workflowExpressionErrors } from './workflow-items.js';

/**
 * The studio's rule editor asks "what would saving this rule say?" before it is saved. Each kind
 * is answered by the very check that refuses the rule on save, so the editor can never pass a
 * rule the engine then refuses, or the reverse:
 * - validation: a validation rule's condition (validate.ts conditionErrors);
 * - formula: the formula compiler (rules/formula-sql.ts), which also says what type it computes;
 * - condition: a workflow condition, which may read `$old` (workflow-items.ts);
 * - visibility, required: layout rules over the record, checked as a layout's save checks them
 *   (layout-rules.ts).
 */

export const RULE_KINDS = ['validation', 'formula', 'visibility', 'required', 'condition'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface RuleRequest {
  object: string;
  kind: RuleKind;
  rule: unknown;
  /** A formula's return type, when one is chosen: the compiler then holds the formula to it. */
  returnType?: FormulaReturnType;
}

export interface RuleError {
  /** JSON pointer inside the rule. */
  pointer: string;
  code: ErrorCode;
  detail: string;
}

export interface RuleCheck {
  errors: RuleError[];
  /** What a formula computes: `number`, `text`, `boolean`, `date`, `timestamp` (or `null` for a bare null). */
  type?: string;
}

const RETURN_TYPES = Object.keys(RETURN_SQL_TYPES) as FormulaReturnType[];
const NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** The body of /rules/check and /rules/test, read strictly: anything else is a 422 naming the member. */
export function parseRuleRequest(body: unknown, extra: readonly string[] = []): RuleRequest {
  const errors: FieldError[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalid('the body is a JSON object { object, kind, rule }', [
      { field: '', code: 'type', message: 'expected an object' },
    ]);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b))
    if (!['object', 'kind', 'rule', 'returnType', ...extra].includes(key))
      errors.push({ field: `/${key}`, code: 'additionalProperties', message: `"${key}" is not a member of the body` });
  if (typeof b.object !== 'string' || !NAME.test(b.object))
    errors.push({ field: '/object', code: 'pattern', message: 'object is the API name of an object' });
  if (typeof b.kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(b.kind))
    errors.push({ field: '/kind', code: 'enum', message: `kind is one of ${RULE_KINDS.join(', ')}` });
  if (!('rule' in b)) errors.push({ field: '/rule', code: 'required', message: 'rule is the json-logic to check' });
  if (b.returnType !== undefined && !(RETURN_TYPES as unknown[]).includes(b.returnType))
    errors.push({ field: '/returnType', code: 'enum', message: `returnType is one of ${RETURN_TYPES.join(', ')}` });
  if (errors.length) throw invalid('the rule request is not valid', errors);
  return {
    object: b.object as string,
    kind: b.kind as RuleKind,
    rule: b.rule,
    ...(b.returnType !== undefined && { returnType: b.returnType as FormulaReturnType }),
  };
}

/** The errors saving the rule on `object` (its draft) would give, pointers inside the rule. */
export function checkRule(object: ObjectDef, request: RuleRequest): RuleCheck {
  const fields = new Map<string, FieldDef>(object.fields.map((f) => [f.apiName, f]));
  const out = (errors: FieldError[]): RuleError[] =>
    errors.map((e) => ({ pointer: e.field, code: e.code, detail: e.message }));
  if (request.kind === 'formula') {
    const inferred = formulaKind(request.rule, fields);
    const errors = inferred.errors.map((e) => ({ field: e.path, code: 'formula' as const, message: e.message }));
    if (!errors.length && request.returnType)
      for (const e of compileFormula(request.rule, fields, request.returnType).errors)
        errors.push({ field: e.path, code: 'formula', message: e.message });
    return { errors: out(errors), ...(inferred.kind && { type: inferred.kind }) };
  }
  if (request.kind === 'condition') return { errors: out(workflowExpressionErrors(object, request.rule, true)) };
  if (request.kind === 'visibility' || request.kind === 'required')
    return { errors: out(layoutExpressionErrors(object, request.rule)) };
  return { errors: out(conditionErrors(request.rule, fields)) };
}

/** The field names a rule reads at the top level (`account.name` → `account`), for the test to find in the table. */
export function ruleFields(request: RuleRequest): string[] {
  const names = new Set<string>();
  for (const path of checkLogic(request.rule).paths) {
    const name = path.startsWith('$old.') ? path.slice(5) : path;
    names.add(name.split('.')[0]!);
  }
  return [...names].filter((n) => n !== '' && n !== '$old');
}

/** The operations rules may use, for completion. Formulas compile a subset of them (formula-sql.ts). */
export const RULE_OPERATIONS = LOGIC_OPERATIONS;
