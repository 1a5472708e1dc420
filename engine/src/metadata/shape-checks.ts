import type { ErrorObject } from 'ajv';
import { schemaKeywordCode, type FieldError } from '../errors.js';
import { unstorableValue } from '../fields/shared.js';
import { checkApiName } from './identifiers.js';
import { metaValidator, type SchemaName } from './schemas.js';

/** The first pass of every metadata check: the JSON Schema (with JSON-pointer paths) and the API name. */

export function schemaErrors(name: SchemaName, doc: unknown): FieldError[] {
  // Text Postgres cannot store (NUL, lone surrogates) would fail deep inside a transaction.
  const unstorable = unstorableValue(doc);
  if (unstorable) return [{ field: unstorable.path || '/', code: unstorable.code, message: unstorable.message }];
  const validate = metaValidator(name);
  if (validate(doc)) return [];
  return (
    (validate.errors ?? [])
      // if/then wrappers repeat the real error underneath them.
      .filter((e: ErrorObject) => e.keyword !== 'if')
      .map((e: ErrorObject) => ({
        field: e.instancePath || '/',
        code: schemaKeywordCode(e.keyword),
        message:
          e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties'
            ? `unknown property "${(e.params as { unevaluatedProperty?: string; additionalProperty?: string }).unevaluatedProperty ?? (e.params as { additionalProperty?: string }).additionalProperty}"`
            : (e.message ?? 'is invalid'),
      }))
  );
}

export function nameErrors(path: string, name: unknown): FieldError[] {
  const problem = checkApiName(name);
  return problem ? [{ field: path, code: problem.code, message: problem.message }] : [];
}
