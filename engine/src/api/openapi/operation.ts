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

/** An operation anyone may call: no bearer token. */
export const PUBLIC: unknown[] = [];

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const parameterRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });
export const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
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
  Unauthorized: ['401', 'No valid bearer token.'],
  NotFound: ['404', 'No such item (or it was deleted).'],
  Conflict: ['409', 'The change conflicts with existing data or metadata; nothing was changed.'],
  PreconditionFailed: ['412', 'If-Match does not match the record\'s current version: someone else changed it.'],
  PayloadTooLarge: ['413', 'The body is larger than this endpoint takes; nothing was read or written.'],
  UnsupportedMediaType: ['415', 'The body is not of the media type this endpoint reads.'],
  ValidationFailed: ['422', 'The body was read but not accepted; `errors` names each field and rule.'],
} as const satisfies Record<string, readonly [status: string, description: string]>;
export type ProblemResponse = keyof typeof PROBLEM_RESPONSES;

/** Problem answers by name; a [name, description] pair says what the status means for this operation. */
export const problemResponses = (...answers: (ProblemResponse | readonly [ProblemResponse, string])[]) =>
  Object.fromEntries(answers.map((answer) => {
    const [name, description] = typeof answer === 'string' ? [answer] : answer;
    // OpenAPI 3.1 lets a Reference Object override the description of what it points to.
    return [PROBLEM_RESPONSES[name][0], { $ref: `#/components/responses/${name}`, ...(description ? { description } : {}) }];
  }));

/** The `responses` components: every problem answer, as problem+json. */
export const problemResponseComponents = () => Object.fromEntries(Object.entries(PROBLEM_RESPONSES).map(([name, [, description]]) => [
  name,
  { description, content: { 'application/problem+json': { schema: ref('Problem') } } },
]));
