/**
 * The one error type services throw. The API turns it into application/problem+json; every
 * error names the field (a JSON pointer or a field apiName) and the rule (code) that failed.
 */
export interface FieldError {
  field: string;
  code: string;
  message: string;
  /** The validation rule that refused the value, when one did. */
  rule?: string;
  /** The row of a bulk request the error belongs to. */
  index?: number;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) =>
  new Problem(400, 'Bad request', detail, errors);
export const invalid = (detail: string, errors: FieldError[]) => new Problem(422, 'Validation failed', detail, errors);
export const notFound = (detail: string) => new Problem(404, 'Not found', detail);
export const conflict = (detail: string, errors: FieldError[] = [], extra: Record<string, unknown> = {}) =>
  new Problem(409, 'Conflict', detail, errors, extra);
export const unauthorized = (detail: string) => new Problem(401, 'Unauthorized', detail);
