/**
 * The one error type services throw, and the two vocabularies a client can program against: the
 * kind of a problem (its `type` URI, which fixes its status and title) and the `code` of each of
 * its errors. The API turns a Problem into application/problem+json; every error names the field
 * (a JSON pointer or a field apiName) and the rule (code) that failed. The OpenAPI document lists
 * both vocabularies with these descriptions (api/openapi/fixed-schemas.ts).
 */

/** Every kind of problem the API answers with; `https://tessera.dev/problems/<kind>` is its type. */
export const PROBLEM_KINDS = {
  'bad-request': {
    status: 400,
    title: 'Bad request',
    description: 'The request is malformed: not JSON, an unknown filter field or operator, a bad parameter or header.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description: 'No bearer token or session cookie was sent: log in first.',
  },
  'login-failed': {
    status: 401,
    title: 'Unauthorized',
    description: 'The e-mail or password given at login is wrong, or the user is deactivated.',
  },
  'session-expired': {
    status: 401,
    title: 'Unauthorized',
    description:
      'The token or session cookie sent is unknown, expired or revoked, or its user deactivated: log in again.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description: 'Signed in, but not allowed; `errors[].code` says which check refused. Nothing was read or changed.',
  },
  'not-found': { status: 404, title: 'Not found', description: 'No such item, or one the caller may not see.' },
  conflict: {
    status: 409,
    title: 'Conflict',
    description: 'The change conflicts with existing data or metadata; nothing was changed.',
  },
  'stale-version': {
    status: 412,
    title: 'Precondition failed',
    description:
      "If-Match does not match the record's current version or the draft item's ETag: someone else changed it since.",
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    description: 'The body is larger than the endpoint takes; nothing was read or written.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'The body is not of the media type or character set the endpoint reads.',
  },
  validation: {
    status: 422,
    title: 'Validation failed',
    description: 'The body was read but not accepted; `errors` names each field and rule. Nothing was written.',
  },
  'not-deleted': {
    status: 422,
    title: 'Not deleted',
    description:
      'A bulk delete with allOrNone: some records cannot be deleted, so none was; each error has its `index`.',
  },
  'missing-exchange-rate': {
    status: 422,
    title: 'Missing exchange rates',
    description: "Converting to the corporate currency needs a rate that is missing for some records' dates.",
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    description: 'The Idempotency-Key was used before for a different request; nothing was written.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    description: 'Too many failed logins; Retry-After (and `retryAfter`) says in how many seconds to try again.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    description: 'Something went wrong on the server; the request may or may not have been applied.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    description:
      'The server is shutting down or cannot reach its database: send the request again in a moment (Retry-After, when given, says in how many seconds).',
  },
  'insufficient-storage': {
    status: 507,
    title: 'Insufficient storage',
    description: 'The server has no disk space left to keep the upload; nothing was written. Try again later.',
  },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;
export const PROBLEM_KIND_LIST = Object.keys(PROBLEM_KINDS) as ProblemKind[];
export type ProblemStatus = (typeof PROBLEM_KINDS)[ProblemKind]['status'];

const PROBLEM_TYPE_BASE = 'https://tessera.dev/problems/';
export const problemType = (kind: ProblemKind) => `${PROBLEM_TYPE_BASE}${kind}` as const;

/**
 * Every `errors[].code` the API answers with, and what it means. A code is a rule, not a field:
 * the same code (`required`, `type`) serves every field and endpoint. Codes named after a JSON
 * Schema keyword are also what ajv reports for that keyword (schemaKeywordCode).
 */
export const ERROR_CODES = {
  // Values: hand-written checks and the JSON Schema keywords ajv reports.
  required: 'A required value is missing.',
  type: 'The value has the wrong type or shape (text where a number belongs, not an object, not text/csv, …).',
  format:
    'The value is not in its format: a date, date-time, UUID, e-mail, URL, or the If-Match or Idempotency-Key header.',
  pattern: 'The text does not match its pattern (an API name, an ISO 4217 currency code, …).',
  enum: 'The value is not one of those allowed.',
  const: "The value must equal a fixed one (an item's id cannot change).",
  range: 'The number is outside the range allowed (a page size, a rate, a number of days).',
  length: 'The text is too short or too long.',
  size: 'Too many or too few: records or ids in a bulk request, conditions in a filter, bytes in a file or filter.',
  minimum: 'The number is below the minimum.',
  maximum: 'The number is above the maximum (or a scale exceeds its precision).',
  exclusiveMinimum: 'The number must be greater than the bound.',
  exclusiveMaximum: 'The number must be less than the bound.',
  multipleOf: 'The number is not a multiple of the step.',
  minLength: 'The text is shorter than the minimum.',
  maxLength: 'The text is longer than the maximum.',
  minItems: 'The list has fewer items than the minimum.',
  maxItems: 'The list has more items than the maximum (an object holds at most so many fields).',
  uniqueItems: 'The list holds the same item twice.',
  contains: 'The list lacks an item of the kind it must contain.',
  items: 'The list has items beyond those it may hold.',
  unevaluatedItems: 'The list has items its schema does not describe.',
  minProperties: 'The object has fewer properties than the minimum (a label needs a language).',
  maxProperties: 'The object has more properties than the maximum.',
  additionalProperties: 'The object has a property its schema does not define; the message names it.',
  unevaluatedProperties: 'The object has a property its schema does not define; the message names it.',
  propertyNames: 'A property name is not allowed (a language tag, a namespaced name).',
  dependentRequired: 'A property needs another that is missing.',
  dependencies: 'A property needs another that is missing.',
  anyOf: 'The value matches none of the shapes allowed.',
  oneOf: 'The value must match exactly one of the shapes allowed (share with exactly one of userId or group).',
  not: 'The value is of a shape that is not allowed.',
  if: 'The value does not meet the condition its other properties set.',
  'false schema': 'Nothing is allowed here.',
  invalidCharacter: 'Text holds a NUL character or a lone UTF-16 surrogate, which PostgreSQL cannot store.',
  maxDepth: 'A JSON value nests deeper than 100 levels.',
  json: 'The text is not valid JSON (the filter parameter, a json cell of a CSV file).',
  empty: 'Nothing was given where something is needed (an empty filter, a saved-view change with no property).',
  unexpected: 'A value given does not go with the others (count takes no field; rateDate only with currency).',
  invalid: 'The value cannot be checked: what it depends on is not valid itself.',

  // Names and references.
  unknownField: 'The name is not a field of the object, or not a property of what is sent.',
  unknownProperty: 'The request body has a property the endpoint does not take.',
  unknownObject: 'The name is not an object.',
  reference: 'What the value points at does not exist: an object, field, role, group, user or record.',
  reserved: 'The API name is reserved: a SQL or engine word, a pg_ prefix, or a double underscore.',
  duplicate: 'The same name, id or record is given twice, or the name is taken.',
  unique: 'Another record or item already has this value, which must be unique.',
  systemField: 'A system field (id, owner_id, created_at, …) cannot be granted: it is read with the object.',
  readOnly: 'The field is set by the system or computed: it cannot be written or given a default.',
  cycle: 'The role hierarchy would loop.',
  removed: 'A saved view named a field that was deleted since; it was left out.',

  // Records.
  default: 'A computed default worked out a value the field does not take.',
  validationRule: 'A validation rule of the object refused the record; `rule` names it.',
  stale: 'The record or draft item changed since the version or ETag sent (If-Match, or `version` in a bulk update).',
  notFound: 'A bulk row names a record that does not exist, or one the caller may not see.',
  restrict: 'Other records still point at this one through a lookup that restricts deletion.',
  conflict: 'The record cannot be deleted as things stand (its delete would cascade too deep).',
  notUnique: 'upsertOn must name a unique field of the object.',
  reused: 'The Idempotency-Key was used before for a different request.',
  workflow: 'A workflow that runs before the save could not work out or set a value; the message names the workflow.',
  approvalPending:
    "The record is locked while its approval is pending: only admins and the approval's own actions change it.",

  // Lists, filters, aggregates, saved views.
  cursor: 'The cursor is not one this list gave out with the same sort.',
  notSortable: 'Fields of this type cannot be sorted on (nor an encrypted field).',
  notGroupable: 'Fields of this type cannot be grouped by (nor an encrypted field).',
  encryption:
    'An encrypted field cannot do this (be searched by part, lack a key): the engine needs TESSERA_ENCRYPTION_KEY, and the database only ever holds the value encrypted.',
  bucket: 'Only date fields take a date bucket.',
  unknownMetric: 'The metric is not count, sum, avg, min or max.',
  noCurrencyMetric: 'currency=corporate converts currency metrics, but no metric is over a currency field.',
  missingRate: "No exchange rate to the corporate currency for a currency on some records' dates.",
  unknownOperator: 'The name is not a filter operator.',
  operator: 'The filter operator does not apply to this field type.',
  depth: 'The filter nests deeper than allowed.',
  maxViews: 'The caller has as many saved views of the object as allowed.',

  // Currencies.
  corporate: 'The corporate currency always has rate 1: it takes no exchange rate.',
  ratesExist: 'The corporate currency cannot change while exchange rates exist.',

  // CSV import and export.
  csv: 'The file is not valid CSV.',
  noHeader: 'The file has no header line naming the fields.',
  columns: 'A row has another number of cells than the header.',
  unknownHeader: 'A header names no field of the object; map it to a field, or to null to skip it.',
  duplicateHeader: 'Two headers (or mappings) fill the same field.',
  ambiguousHeader: 'A header matches more than one field; map it explicitly.',
  missingColumn: 'upsertOn names a field no column of the file fills.',
  charset: 'The file is not UTF-8.',
  diskFull: "The server's disk has no room left for the upload.",

  // Metadata and publishing.
  logic: 'A json-logic expression (a rule condition, a computed default, sharing criteria) is not valid.',
  formula: 'A formula does not compile.',
  typeChange: "The field's type cannot change this way; add a new field and copy the data.",
  schemaStep: 'The database refused a step of the schema plan.',
  blocked: 'The data does not allow this change yet (duplicate values for a unique field, dangling references).',
  lossy: 'The change would lose data; publish again with confirmLossy to archive it and go ahead.',
  dependency:
    'A pack this one depends on is not installed at a version in the range it needs, or an installed pack depends on this one.',
  namespace: "An item of a pack does not carry the pack's namespace (its id must start with `<namespace>.`).",
  version:
    'The pack is not at a version this step takes: already installed, not newer than the installed one, or made for another engine version.',
  draftPending:
    'The draft has unpublished edits: publish or discard them before installing, upgrading or uninstalling a pack.',
  packConflict:
    'The admin and the new version of the pack changed the same property differently: choose keepMine or takeTheirs for it.',
  packLocked:
    "The property belongs to an installed pack, whose pack.json keeps it as installed (a field's type, a locked rule condition).",
  packInUse:
    "Another installed pack or the tenant's own metadata still names an object or field of the pack being uninstalled; `field` names the item: change or delete it first.",
  undo: 'There is no unpublished edit to undo or redo: publishing, discarding and rolling back start the history afresh.',

  // Configuration as files (tessera metadata import, POST /api/v1/meta/import): `field` is `<file>#<JSON pointer>`.
  path: 'A file of a configuration is not where the format puts one (<folder>/<apiName>.json), or a path climbs out, is absolute or is a link.',
  notJson: 'A file of a configuration is not JSON.',
  fileSize: 'A file, or the whole upload once unpacked, is larger than allowed.',
  fileName: "An item's apiName differs from its file's name.",

  // Permissions (403) and sign-in.
  csrf: 'Signed in by the session cookie without `X-Requested-With: XMLHttpRequest`.',
  systemPermission: 'A system permission is missing; `field` names it.',
  objectPermission:
    'No permission set of the caller grants this action on the object (an object they may neither read nor create answers 404, as one that does not exist).',
  fieldPermission:
    'A field written in the body is one the caller may read but not edit (a field they may not read is no field for them: naming it anywhere answers as an unknown field does).',
  recordAccess:
    'The caller sees the record but may not change it (edit), or may not delete, share or transfer it (full access: owner, above the owner in the role hierarchy, modifyAll).',
  transfer: 'owner_id on a new record needs modifyAll on the object.',
  grantBeyondOwn:
    "The request would grant something the caller does not hold (a permission set's object, field or system grant, a role not below their own, a group they are not in), or the user changed holds such a grant.",
  ownGrants: 'Nobody changes their own role, permission sets, groups, active or isAdmin.',
  adminOnly: 'Only an admin gives or takes isAdmin.',
  automationGrant:
    "Only an admin saves a workflow that acts with all access (runAs system) or writes records as a named user (an inbound trigger): either would reach beyond the author's own grants.",
  adminTarget: 'Only an admin changes an admin.',
  roleHierarchy:
    'A user manager who is not an admin changes only the roles below their own, and may place a role only under their own role or one below it.',
  platformAdmin: 'Only an admin of the default tenant manages tenants.',
  securityRollback:
    'The release rolled back to has other roles, groups or permission sets than the current one: only an admin rolls back to it.',
  locked: 'Too many failed logins: the account or the address is locked until the time the message gives.',
  mismatch: 'The current password given is wrong.',

  // The request body as read (the body parser's own names).
  body: 'The request body could not be read, or the upload was interrupted.',
  'entity.parse.failed': 'The body is not valid JSON.',
  'entity.too.large': 'The body is larger than the endpoint takes.',
  'encoding.unsupported': "The body's Content-Encoding is not supported.",
  'charset.unsupported': "The body's character set is not supported (JSON is read as UTF-8).",
  'request.aborted': 'The client stopped sending the body.',
  'request.size.invalid': 'The body is not as long as its Content-Length says.',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

/**
 * The code of an ajv error: its keyword. Every keyword ajv reports errors for is a code above,
 * except ajv-formats' formatMinimum family, which no schema of the engine uses.
 */
export const schemaKeywordCode = (keyword: string): ErrorCode => (isErrorCode(keyword) ? keyword : 'invalid');

export interface FieldError {
  field: string;
  code: ErrorCode;
  message: string;
  /** The validation rule that refused the value, when one did. */
  rule?: string;
  /** The row of a bulk request the error belongs to. */
  index?: number;
}

export class Problem extends Error {
  readonly status: ProblemStatus;
  readonly title: string;

  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.status = PROBLEM_KINDS[kind].status;
    this.title = PROBLEM_KINDS[kind].title;
  }

  get type(): string {
    return problemType(this.kind);
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) => new Problem('bad-request', detail, errors);
export const invalid = (detail: string, errors: FieldError[]) => new Problem('validation', detail, errors);
export const notFound = (detail: string) => new Problem('not-found', detail);
export const conflict = (detail: string, errors: FieldError[] = [], extra: Record<string, unknown> = {}) =>
  new Problem('conflict', detail, errors, extra);
export const unauthorized = (detail: string) => new Problem('unauthorized', detail);
export const loginFailed = (detail: string) => new Problem('login-failed', detail);
export const sessionExpired = (detail: string) => new Problem('session-expired', detail);
