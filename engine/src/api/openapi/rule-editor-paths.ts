import { forbidden, json, problemResponses, type Paths } from './operation.js';

/** The studio's rule editor: the allowed operations, a rule checked as saving would, a rule tested on a record. */

const RULE_KINDS = ['validation', 'formula', 'visibility', 'required', 'condition'];
const RETURN_TYPES = ['text', 'number', 'currency', 'percent', 'boolean', 'date', 'datetime'];

const ruleRequest = (withRecord: boolean) => ({
  type: 'object',
  additionalProperties: false,
  required: ['object', 'kind', 'rule', ...(withRecord ? ['recordId'] : [])],
  properties: {
    object: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'API name of the object, in the draft.' },
    kind: {
      enum: RULE_KINDS,
      description:
        'Which check applies: a validation rule condition, a formula expression, a layout visibility or required rule, a workflow condition (may read `$old`).',
    },
    rule: { description: 'The json-logic expression.' },
    returnType: {
      enum: RETURN_TYPES,
      description: "For a formula: the field's return type, which the expression must give.",
    },
    ...(withRecord && { recordId: { type: 'string', description: 'Id of the record to evaluate the rule on.' } }),
  },
});

export function ruleEditorPaths(): Paths {
  const tags = ['Metadata'];
  const manage = forbidden([], ['manageMetadata']);
  return {
    '/api/v1/meta/rules/operators': {
      get: {
        operationId: 'listRuleOperators',
        summary: 'json-logic operations rules may use',
        tags,
        description:
          "The engine's allow-list of json-logic operations (with Tessera's `today`, `now`, `add_days`), for an editor's completion. Formulas compile a subset of them to SQL.",
        responses: {
          200: {
            description: 'The operations.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: { type: 'string' } } },
            }),
          },
          ...problemResponses('Unauthorized', forbidden([], ['manageMetadata', 'manageUsers'])),
        },
      },
    },
    '/api/v1/meta/rules/check': {
      post: {
        operationId: 'checkRule',
        summary: 'Check a rule as saving it would',
        tags,
        description:
          "Runs the check that refuses the rule when it is saved (allowed operations, depth and size, fields of the object's draft; for formulas the SQL compiler and its type check) and answers its errors, each with a JSON pointer inside the rule. For a formula it also answers the type the expression computes. Changes nothing.",
        requestBody: { required: true, content: json(ruleRequest(false)) },
        responses: {
          200: {
            description: 'The errors saving it would give (none: it would be accepted).',
            content: json({
              type: 'object',
              required: ['errors'],
              properties: {
                errors: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['pointer', 'code', 'detail'],
                    properties: {
                      pointer: { type: 'string', description: 'JSON pointer inside the rule.' },
                      code: { type: 'string', description: 'The check that failed: logic, reference, formula …' },
                      detail: { type: 'string' },
                    },
                  },
                },
                type: {
                  enum: ['number', 'text', 'boolean', 'date', 'timestamp', 'null'],
                  description: 'For a formula without errors: what it computes.',
                },
              },
            }),
          },
          ...problemResponses(
            'Unauthorized',
            manage,
            ['NotFound', 'The draft has no such object.'],
            ['ValidationFailed', 'The body is not `{ object, kind, rule }`: `errors[].field` names the member.'],
          ),
        },
      },
    },
    '/api/v1/meta/rules/test': {
      post: {
        operationId: 'testRule',
        summary: 'Evaluate a rule on a real record',
        tags,
        description:
          "Checks the rule as saving would (a rule that would be refused is never evaluated: 422), reads the record as the caller (404 when they cannot see it) and evaluates the rule on it as the engine does at run time: json-logic for conditions; for a formula the SQL it compiles to, against the record's row. `result` for a validation rule is its condition: true means saving the record would be refused (`refused`).",
        requestBody: { required: true, content: json(ruleRequest(true)) },
        responses: {
          200: {
            description: 'The outcome: `{ result, refused? }` for conditions, `{ value, type, kind }` for formulas.',
            content: json({
              type: 'object',
              properties: {
                result: { type: 'boolean', description: 'Whether the condition is true on the record.' },
                refused: { type: 'boolean', description: 'Validation rules: saving the record would be refused.' },
                value: { description: "The formula's value on the record (null when empty)." },
                type: { enum: RETURN_TYPES, description: 'The return type the value was computed as.' },
                kind: { type: 'string', description: 'What the expression computes before the cast.' },
              },
            }),
          },
          ...problemResponses(
            'Unauthorized',
            manage,
            ['NotFound', 'No such object, or no record with that id the caller can see.'],
            [
              'ValidationFailed',
              'The body is malformed, the rule would be refused when saved, or it reads a draft field the published object has no column for yet; `errors[].field` names each.',
            ],
          ),
        },
      },
    },
  };
}
