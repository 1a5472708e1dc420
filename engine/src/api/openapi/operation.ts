import { ERROR_CODES, PROBLEM_KIND_LIST, PROBLEM_KINDS, type ErrorCode } from '../../errors.js';
import type { JsonSchema } from '../../fields/field-type.js';
import type { Label } from '../../metadata/types.js';

/** What every operation of the document is built from: its shape, $refs, and the problem answers. */

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type PathItem = Partial<Record<Method, Operation>> & { parameters?: unknown[] };
export type Paths = Record<string, PathItem>;

/** An operation anyone may call: no session. */
export const PUBLIC: unknown[] = [];

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const parameterRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });
export const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
/** The response header naming the request, on every answer. */
export const REQUEST_ID = 'X-Request-Id';
export const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** Labels in the document are English: the label itself, its "en" text, or any text it has. */
export function english(label: Label | undefined): string {
  if (label === undefined) return '';
  if (typeof label === 'string') return label;
  return label.en ?? Object.entries(label).find(([k]) => k.startsWith('en'))?.[1] ?? Object.values(label)[0] ?? '';
}

/** The 4xx answers, each application/problem+json. */
export const PROBLEM_RESPONSES = {
  BadRequest: ['400', 'The request is malformed: not JSON, an unknown filter field or operator, a bad parameter.'],
  Unauthorized: [
    '401',
    'No valid session: the bearer token or session cookie is missing, expired or revoked, or its user is deactivated.',
  ],
  Forbidden: [
    '403',
    'Signed in, but not allowed: `errors[].code` says which check refused the request (see each operation); nothing was changed.',
  ],
  NotFound: ['404', 'No such item (or it was deleted).'],
  Conflict: ['409', 'The change conflicts with existing data or metadata; nothing was changed.'],
  PreconditionFailed: [
    '412',
    "If-Match does not match the record's current version (or the draft item's ETag, or the plan a publish's dry run drew): someone else changed it.",
  ],
  PayloadTooLarge: ['413', 'The body is larger than this endpoint takes; nothing was read or written.'],
  UnsupportedMediaType: ['415', 'The body is not of the media type this endpoint reads.'],
  ValidationFailed: ['422', 'The body was read but not accepted; `errors` names each field and rule.'],
  TooManyRequests: [
    '429',
    'Too many failed logins: the account is locked, or this address has failed too often. Retry-After says in how many seconds to try again.',
  ],
} as const satisfies Record<string, readonly [status: string, description: string]>;
export type ProblemResponse = keyof typeof PROBLEM_RESPONSES;

/** Problem answers by name; a [name, description] pair says what the status means for this operation. */
export const problemResponses = (...answers: (ProblemResponse | readonly [ProblemResponse, string])[]) =>
  Object.fromEntries(
    answers.map((answer) => {
      const [name, description] = typeof answer === 'string' ? [answer] : answer;
      // OpenAPI 3.1 lets a Reference Object override the description of what it points to.
      return [
        PROBLEM_RESPONSES[name][0],
        { $ref: `#/components/responses/${name}`, ...(description ? { description } : {}) },
      ];
    }),
  );

/** The kinds of problem one status answers with, as `type` names them. */
const kindsOf = (status: string) => PROBLEM_KIND_LIST.filter((kind) => String(PROBLEM_KINDS[kind].status) === status);

/**
 * The `responses` components: every problem answer, as problem+json, with the problem types it
 * carries; a 429 also says when to retry.
 */
export const problemResponseComponents = () =>
  Object.fromEntries(
    Object.entries(PROBLEM_RESPONSES).map(([name, [status, description]]) => [
      name,
      {
        description: `${description} \`type\`: ${kindsOf(status)
          .map((kind) => `…/problems/${kind}`)
          .join(', ')}.`,
        headers: {
          ...(status === '429'
            ? {
                'Retry-After': {
                  description: 'Seconds until a login may be tried again.',
                  schema: { type: 'integer', minimum: 1 },
                },
              }
            : {}),
          [REQUEST_ID]: headerRef('XRequestId'),
        },
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );

/** The same paths with X-Request-Id among the headers of every response written out in them. */
export function withRequestId(paths: Paths): Paths {
  const operation = (op: Operation): Operation => ({
    ...op,
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, response]) => {
        // A $ref points at a problem answer, whose component declares the header.
        if ('$ref' in (response as object)) return [status, response];
        const { headers, ...rest } = response as { headers?: Record<string, unknown> };
        return [status, { ...rest, headers: { ...headers, [REQUEST_ID]: headerRef('XRequestId') } }];
      }),
    ),
  });
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([key, value]) => [key, key === 'parameters' ? value : operation(value as Operation)]),
      ) as PathItem,
    ]),
  );
}

/**
 * Why a signed-in request can be refused with 403, by the `code` of its error (described in
 * ERROR_CODES). `csrf` and `systemPermission` (apiAccess) can answer any operation that needs a
 * session; the others only where an operation lists them.
 */
export const FORBIDDEN_CODES = [
  'csrf',
  'systemPermission',
  'objectPermission',
  'fieldPermission',
  'recordAccess',
  'transfer',
  'grantBeyondOwn',
  'ownGrants',
  'adminOnly',
  'automationGrant',
  'adminTarget',
  'roleHierarchy',
  'platformAdmin',
  'securityRollback',
] as const satisfies readonly ErrorCode[];
export type ForbiddenCode = (typeof FORBIDDEN_CODES)[number];

/**
 * The 403 of an operation that needs a session: the codes it can answer, `csrf` and
 * `systemPermission` always included; `permissions` say which system permissions it needs besides
 * apiAccess for bearer tokens.
 */
export function forbidden(
  codes: readonly Exclude<ForbiddenCode, 'csrf' | 'systemPermission'>[] = [],
  permissions: readonly string[] = [],
): readonly [ProblemResponse, string] {
  const system = `apiAccess for every bearer-token request${permissions.length ? `; ${permissions.join(', ')}` : ''}`;
  const lines = [
    `\`csrf\`: ${ERROR_CODES.csrf}`,
    `\`systemPermission\`: ${ERROR_CODES.systemPermission} Needed here: ${system}.`,
    ...codes.map((code) => `\`${code}\`: ${ERROR_CODES[code]}`),
  ];
  return [
    'Forbidden',
    `Refused; nothing was read or changed. \`errors[].code\`:\n\n${lines.map((l) => `- ${l}`).join('\n')}`,
  ];
}
