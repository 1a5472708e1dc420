import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FilterOperator, JsonSchema } from '../fields/field-type.js';
import type { CompiledField, CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { buildFieldSchema } from '../metadata/field-schema.js';
import type { Label } from '../metadata/types.js';
import { SYSTEM_OUTPUT } from '../records/record-shape.js';

/**
 * The OpenAPI 3.1 document of one release, built from its compiled metadata: every published
 * object gets its record schemas and CRUD paths, next to the fixed auth and metadata endpoints.
 * Deterministic for a given release, so callers cache it per release number.
 *
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, the dialect the field types already speak, so a
 * field's valueSchema() goes into the document as it is.
 */

export interface OpenApiOptions {
  /** Absolute base URL of the API; without it clients resolve paths against the document's own origin. */
  serverUrl?: string;
}

export type OpenApiDocument = Record<string, unknown>;

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const MAX_IN_VALUES = 1000;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** Labels in the document are English: the label itself, its "en" text, or any text it has. */
function english(label: Label | undefined): string {
  if (label === undefined) return '';
  if (typeof label === 'string') return label;
  return label.en ?? Object.entries(label).find(([k]) => k.startsWith('en'))?.[1] ?? Object.values(label)[0] ?? '';
}

/** support_case → SupportCase: the stem of the object's schema names and operationIds. */
function pascal(apiName: string): string {
  return apiName.split('_').map((s) => (s ? s[0]!.toUpperCase() + s.slice(1) : '')).join('');
}

// ── System fields ────────────────────────────────────────────────────────────────────────────

const userId = (description: string): JsonSchema => ({ type: 'string', format: 'uuid', readOnly: true, description });
const nullableUserId = (description: string): JsonSchema => ({ type: ['string', 'null'], format: 'uuid', readOnly: true, description });

/** Every system field a record carries; keyed by SYSTEM_OUTPUT so a new one fails to compile here. */
const SYSTEM_FIELD_SCHEMAS: Record<(typeof SYSTEM_OUTPUT)[number], JsonSchema> = {
  id: { type: 'string', format: 'uuid', readOnly: true, description: 'Record id (UUIDv7, so ids order by creation time).' },
  version: { type: 'integer', minimum: 1, readOnly: true, description: 'Goes up by one on every change; the ETag, and what If-Match compares.' },
  owner_id: userId('The user who owns the record.'),
  created_at: { type: 'string', format: 'date-time', readOnly: true, description: 'When the record was created.' },
  created_by: nullableUserId('The user who created the record.'),
  updated_at: { type: 'string', format: 'date-time', readOnly: true, description: 'When the record last changed.' },
  updated_by: nullableUserId('The user who last changed the record.'),
};

/** What the filter language accepts on each system field (query/filter-parser.ts). */
const SYSTEM_FILTER_OPERATORS: Record<(typeof SYSTEM_OUTPUT)[number], readonly FilterOperator[]> = {
  id: ['eq', 'ne', 'in', 'nin', 'isNull'],
  owner_id: ['eq', 'ne', 'in', 'nin', 'isNull'],
  created_by: ['eq', 'ne', 'in', 'nin', 'isNull'],
  updated_by: ['eq', 'ne', 'in', 'nin', 'isNull'],
  created_at: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  updated_at: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  version: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between'],
};

// ── Field schemas ────────────────────────────────────────────────────────────────────────────

function describeField(field: CompiledField): string {
  const { def } = field;
  const text = english(def.helpText) || def.description || english(def.label);
  return def.target ? `${text} (the id of the \`${def.target}\` record it points to)` : text;
}

/**
 * A field's property: its value schema, plus null when the field may be empty. A plain `type`
 * becomes a type array; anything with an enum or a const (which would also have to list null)
 * becomes anyOf.
 */
function fieldProperty(field: CompiledField, nullable: boolean, withDefault: boolean, read = false): JsonSchema {
  const value = (read && field.type.readSchema?.(field.def)) || field.type.valueSchema(field.def);
  const annotations: JsonSchema = { title: english(field.def.label), description: describeField(field) };
  if (field.type.readOnly) annotations.readOnly = true;
  if (withDefault && field.def.default !== undefined) annotations.default = field.def.default;
  if (!nullable || Object.keys(value).length === 0) return { ...value, ...annotations };
  if (typeof value.type === 'string' && !('enum' in value) && !('const' in value)) {
    return { ...value, type: [value.type, 'null'], ...annotations };
  }
  return { anyOf: [value, { type: 'null' }], ...annotations };
}

function recordSchema(object: CompiledObject): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...SYSTEM_FIELD_SCHEMAS };
  for (const [name, field] of object.fields) {
    properties[name] = fieldProperty(field, true, false, true);
    for (const [key, companion] of Object.entries(field.type.companions ?? {})) properties[`${name}__${key}`] = companion.schema;
  }
  return {
    type: 'object',
    title: english(object.def.label),
    description: `${object.def.description ? `${object.def.description} ` : ''}A read answers every field, or those named in \`fields\`, plus the system fields.`,
    required: [...SYSTEM_OUTPUT],
    properties,
  };
}

/** The body of a create (`forCreate`) or of a partial update: writable fields only. */
function inputSchema(object: CompiledObject, forCreate: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, field] of object.fields) {
    if (field.type.readOnly) continue;
    // the records service refuses null for a required field on create and on update alike
    properties[name] = fieldProperty(field, !field.def.required, forCreate);
    if (forCreate && field.def.required && field.def.default === undefined) required.push(name);
  }
  const label = english(object.def.label);
  return {
    type: 'object',
    title: forCreate ? `New ${label}` : `${label} changes`,
    description: forCreate
      ? `Field values of a new ${label}. Left-out fields take their default; system fields and read-only fields are set by the server.`
      : `The fields to change; left-out fields keep their value.`,
    ...(required.length ? { required } : {}),
    properties,
    additionalProperties: false,
  };
}

// ── Shared components ────────────────────────────────────────────────────────────────────────

const SCHEMA_DIR = fileURLToPath(new URL('../../../metadata/schemas/', import.meta.url));

/** Meta-model schema files and the component each becomes. */
const META_SCHEMAS = {
  'label.schema.json': 'Label',
  'object.schema.json': 'ObjectDefinition',
  'field.schema.json': 'FieldDefinition',
  'validation-rule.schema.json': 'ValidationRuleDefinition',
  'layout.schema.json': 'LayoutDefinition',
  'list-view.schema.json': 'ListViewDefinition',
} as const;

/** Points the meta-model's file references ("label.schema.json") at components; drops $id and $schema. */
function localRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string' && value in META_SCHEMAS) {
      out[key] = `#/components/schemas/${META_SCHEMAS[value as keyof typeof META_SCHEMAS]}`;
    } else {
      out[key] = localRefs(value);
    }
  }
  return out;
}

let metaSchemaCache: Record<string, JsonSchema> | undefined;

/**
 * The metadata documents' JSON Schemas, the same ones the server validates with: files from
 * metadata/schemas, and field.schema.json from code (like metadata/schemas.ts). They do not
 * change while the server runs, so they are read once.
 */
function metaSchemas(): Record<string, JsonSchema> {
  if (metaSchemaCache) return metaSchemaCache;
  const out: Record<string, JsonSchema> = {};
  for (const [file, name] of Object.entries(META_SCHEMAS)) {
    const schema = file === 'field.schema.json' ? buildFieldSchema() : JSON.parse(fs.readFileSync(SCHEMA_DIR + file, 'utf8'));
    out[name] = localRefs(schema) as JsonSchema;
  }
  return (metaSchemaCache = out);
}

const problemSchemas: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem: every 4xx and 5xx answer. `errors` names each field and rule that failed; nothing was written.',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', format: 'uri-reference', description: 'Identifies the kind of problem.' },
      title: { type: 'string', description: 'Short summary of the kind of problem, such as "Validation failed".' },
      status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status code.' },
      detail: { type: 'string', description: 'What went wrong in this case, for people.' },
      errors: { type: 'array', items: ref('FieldError'), description: 'One entry per field or rule that failed.' },
    },
  },
  FieldError: {
    type: 'object',
    required: ['field', 'code', 'message'],
    properties: {
      field: { type: 'string', description: 'The field apiName or JSON pointer the error is about; "" for the whole record.' },
      code: { type: 'string', description: 'What failed, for programs: required, type, enum, maxLength, unique, readOnly, unknownField, validationRule, …' },
      message: { type: 'string', description: 'What failed, for people, in the caller\'s language where a translation exists.' },
      rule: { type: 'string', description: 'The apiName of the validation rule that refused the value.' },
      index: { type: 'integer', minimum: 0, description: 'The row of a bulk request the error belongs to.' },
    },
  },
};

const filterSchemas: Record<string, JsonSchema> = {
  Filter: {
    type: 'object',
    title: 'Filter',
    description: [
      'A filter on a list: `{"and": [filter, …]}`, `{"or": [filter, …]}`, `{"not": filter}`, or field names mapped to conditions,',
      'all of which must hold: `{"stage": {"in": ["proposal", "negotiation"]}, "amount": {"gte": 1000}}`.',
      'System fields (id, owner_id, created_at, created_by, updated_at, updated_by, version) can be filtered too.',
      'Each field type accepts its own operators; an unknown field, an operator the type does not take,',
      'or a value the field would not store is answered with 400. At most 12 levels and 200 conditions.',
    ].join(' '),
    minProperties: 1,
    properties: {
      and: { type: 'array', minItems: 1, items: ref('Filter'), description: 'Every filter holds.' },
      or: { type: 'array', minItems: 1, items: ref('Filter'), description: 'At least one filter holds.' },
      not: { ...ref('Filter'), description: 'The filter does not hold.' },
    },
    additionalProperties: ref('FilterCondition'),
  },
  FilterCondition: {
    description: 'Conditions on one field, all of which must hold; a bare value means `eq`.',
    anyOf: [
      {
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: {
          eq: { type: ['string', 'number', 'boolean'], description: 'Equals.' },
          ne: { type: ['string', 'number', 'boolean'], description: 'Differs from, empty values included.' },
          gt: { type: ['string', 'number'], description: 'Greater than.' },
          gte: { type: ['string', 'number'], description: 'Greater than or equal.' },
          lt: { type: ['string', 'number'], description: 'Less than.' },
          lte: { type: ['string', 'number'], description: 'Less than or equal.' },
          in: { type: 'array', minItems: 1, maxItems: MAX_IN_VALUES, description: 'Equals one of; on a multipicklist, holds any of.' },
          nin: { type: 'array', minItems: 1, maxItems: MAX_IN_VALUES, description: 'Equals none of; on a multipicklist, holds none of.' },
          contains: {
            anyOf: [{ type: 'string', minLength: 1, maxLength: 255 }, { type: 'array', minItems: 1 }],
            description: 'Text contains, case-insensitive; on a multipicklist (an array), holds all of.',
          },
          startsWith: { type: 'string', minLength: 1, maxLength: 255, description: 'Text starts with, case-insensitive.' },
          isNull: { type: 'boolean', description: 'true: the field is empty; false: it has a value.' },
          between: { type: 'array', minItems: 2, maxItems: 2, description: '[low, high], both included.' },
        },
      },
      { type: ['string', 'number', 'boolean'], description: 'The same as {"eq": value}.' },
    ],
  },
};

const authSchemas: Record<string, JsonSchema> = {
  LoginRequest: {
    type: 'object',
    required: ['email', 'password'],
    properties: {
      email: { type: 'string', format: 'email' },
      password: { type: 'string', format: 'password' },
    },
  },
  User: {
    type: 'object',
    required: ['id', 'email', 'name', 'isAdmin'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      email: { type: 'string', format: 'email' },
      name: { type: 'string' },
      isAdmin: { type: 'boolean' },
    },
  },
  Session: {
    type: 'object',
    required: ['token', 'expiresAt', 'user'],
    properties: {
      token: { type: 'string', description: 'Send it as `Authorization: Bearer <token>`.' },
      expiresAt: { type: 'string', format: 'date-time' },
      user: ref('User'),
    },
  },
};

const releaseSchemas: Record<string, JsonSchema> = {
  MetadataChange: {
    type: 'object',
    required: ['kind', 'id', 'apiName', 'change'],
    properties: {
      kind: { enum: ['object', 'field', 'validationRule', 'layout', 'listView'] },
      id: { type: 'string' },
      apiName: { type: 'string' },
      object: { type: 'string', description: 'The object a field or rule belongs to.' },
      change: { enum: ['added', 'removed', 'changed', 'renamed'] },
      from: { type: 'string', description: 'The previous apiName of a renamed item.' },
    },
  },
  PlanStep: {
    type: 'object',
    description: 'One step of the schema change a publish makes.',
    required: ['op', 'table', 'description', 'lossy', 'sql'],
    properties: {
      op: { type: 'string', description: 'What the step does: createTable, addColumn, renameColumn, archiveColumn, …' },
      table: { type: 'string' },
      column: { type: 'string' },
      description: { type: 'string' },
      lossy: { type: 'boolean', description: 'The step can lose data; publishing it needs confirmLossy.' },
      rows: { type: 'integer', description: 'How many rows the step affects, where counted.' },
      blocked: { type: 'string', description: 'Why the data does not allow the step yet.' },
      sql: { type: 'array', items: { type: 'string' } },
    },
  },
  PublishResult: {
    type: 'object',
    required: ['release', 'dryRun', 'diff', 'plan'],
    properties: {
      release: { type: ['integer', 'null'], description: 'The new release number; null on a dry run.' },
      dryRun: { type: 'boolean' },
      diff: { type: 'array', items: ref('MetadataChange') },
      plan: { type: 'array', items: ref('PlanStep') },
    },
  },
  PublishOptions: {
    type: 'object',
    properties: {
      confirmLossy: { type: 'boolean', default: false, description: 'Accept steps that archive data (a deleted field or object, a narrower type).' },
      dryRun: { type: 'boolean', default: false, description: 'Answer the plan without applying it.' },
    },
  },
  ReleaseSummary: {
    type: 'object',
    required: ['n', 'kind', 'sourceRelease', 'createdAt', 'createdBy', 'changes'],
    properties: {
      n: { type: 'integer', minimum: 1 },
      kind: { enum: ['publish', 'rollback'] },
      sourceRelease: { type: ['integer', 'null'], description: 'The release a rollback re-applied.' },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { type: ['string', 'null'], format: 'uuid' },
      changes: { type: 'integer', minimum: 0 },
    },
  },
  Release: {
    type: 'object',
    required: ['n', 'kind', 'createdAt', 'snapshot', 'diff', 'plan'],
    properties: {
      n: { type: 'integer', minimum: 1 },
      kind: { enum: ['publish', 'rollback'] },
      sourceRelease: { type: ['integer', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      snapshot: {
        type: 'object',
        description: 'The whole configuration of the release.',
        properties: {
          objects: { type: 'array', items: ref('ObjectDefinition') },
          layouts: { type: 'array', items: ref('LayoutDefinition') },
          listViews: { type: 'array', items: ref('ListViewDefinition') },
        },
      },
      diff: { type: 'array', items: ref('MetadataChange') },
      plan: { type: 'array', items: { type: 'object' } },
    },
  },
  ArchiveEntry: {
    type: 'object',
    required: ['n', 'kind', 'id', 'apiName', 'release', 'archivedAt', 'definition'],
    properties: {
      n: { type: 'integer', minimum: 1 },
      kind: { enum: ['object', 'field'] },
      id: { type: 'string' },
      objectId: { type: ['string', 'null'] },
      apiName: { type: 'string' },
      release: { type: 'integer' },
      archivedAt: { type: 'string', format: 'date-time' },
      definition: { type: 'object' },
    },
  },
};

/** The 4xx answers, each application/problem+json. */
const PROBLEM_RESPONSES: Record<string, [status: string, description: string]> = {
  BadRequest: ['400', 'The request is malformed: not JSON, an unknown filter field or operator, a bad parameter.'],
  Unauthorized: ['401', 'No valid bearer token.'],
  NotFound: ['404', 'No such item (or it was deleted).'],
  Conflict: ['409', 'The change conflicts with existing data or metadata; nothing was changed.'],
  PreconditionFailed: ['412', 'If-Match does not match the record\'s current version: someone else changed it.'],
  ValidationFailed: ['422', 'The body was read but not accepted; `errors` names each field and rule.'],
};
type ProblemResponse = keyof typeof PROBLEM_RESPONSES;

const problemResponses = (...names: ProblemResponse[]) =>
  Object.fromEntries(names.map((name) => [PROBLEM_RESPONSES[name]![0], response(name)]));

// ── Operations ───────────────────────────────────────────────────────────────────────────────

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathItem = Partial<Record<Method, Operation>> & { parameters?: unknown[] };
type Paths = Record<string, PathItem>;

/** An operation anyone may call: no bearer token. */
const PUBLIC: unknown[] = [];

function recordPaths(object: CompiledObject, stem: string, tag: string): Paths {
  const { def } = object;
  const label = english(def.label);
  const plural = english(def.pluralLabel);
  const fieldNames = [...object.fields.keys()];
  const sortable = [...SYSTEM_OUTPUT, ...[...object.fields].filter(([, f]) => f.type.sortable).map(([n]) => n)];
  const oneOf = (names: string[]) => `(?:${names.join('|')})`;
  const operators = [
    ...Object.entries(SYSTEM_FILTER_OPERATORS),
    ...[...object.fields].map(([n, f]) => [n, f.type.operators] as const),
  ].map(([n, ops]) => `\`${n}\` (${ops.join(', ')})`).join('; ');

  const nameField = object.fields.get(def.nameField);
  const filterExample = nameField?.type.operators.includes('startsWith') ? { [def.nameField]: { startsWith: 'A' } } : { id: { ne: '00000000-0000-0000-0000-000000000000' } };

  const list: Operation = {
    operationId: `list${stem}Records`,
    summary: `List ${plural}`,
    description: `A page of ${plural.toLowerCase()}, newest first unless sorted. Follow \`nextCursor\` for the next page.`,
    tags: [tag],
    parameters: [
      {
        name: 'filter', in: 'query', required: false,
        description: `A Filter as JSON. Fields and the operators they take: ${operators}.`,
        content: { 'application/json': { schema: ref('Filter'), example: filterExample } },
      },
      {
        name: 'sort', in: 'query', required: false,
        description: `Comma-separated fields, \`-\` for descending, such as \`-${sortable.includes('created_at') ? 'created_at' : 'id'}\`. Sortable: ${sortable.join(', ')}.`,
        schema: { type: 'string', maxLength: 500, pattern: `^-?${oneOf(sortable)}(?:,-?${oneOf(sortable)})*$` },
      },
      {
        name: 'fields', in: 'query', required: false,
        description: `Comma-separated fields to answer (system fields always come). Default: all of ${fieldNames.join(', ')}.`,
        schema: fieldNames.length ? { type: 'string', pattern: `^${oneOf(fieldNames)}(?:,${oneOf(fieldNames)})*$` } : { type: 'string' },
      },
      {
        name: 'limit', in: 'query', required: false, description: 'Records per page.',
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      },
      {
        name: 'cursor', in: 'query', required: false,
        description: 'The `nextCursor` of the previous page; valid only with the same sort.',
        schema: { type: 'string' },
      },
    ],
    responses: {
      200: { description: `A page of ${plural.toLowerCase()}.`, content: json(ref(`${stem}List`)) },
      ...problemResponses('BadRequest', 'Unauthorized'),
    },
  };

  const create: Operation = {
    operationId: `create${stem}Record`,
    summary: `Create ${label}`,
    tags: [tag],
    requestBody: { required: true, content: json(ref(`${stem}Input`)) },
    responses: {
      201: {
        description: `The new ${label}.`,
        headers: { ETag: { $ref: '#/components/headers/ETag' }, Location: { $ref: '#/components/headers/Location' } },
        content: json(ref(`${stem}Record`)),
      },
      ...problemResponses('BadRequest', 'Unauthorized', 'ValidationFailed'),
    },
  };

  const get: Operation = {
    operationId: `get${stem}Record`,
    summary: `Get ${label}`,
    tags: [tag],
    responses: {
      200: { description: `The ${label}.`, headers: { ETag: { $ref: '#/components/headers/ETag' } }, content: json(ref(`${stem}Record`)) },
      ...problemResponses('Unauthorized', 'NotFound'),
    },
  };

  const update: Operation = {
    operationId: `update${stem}Record`,
    summary: `Update ${label}`,
    description: 'Changes the fields in the body. Send `If-Match` with the ETag you read to refuse the change when someone else saved in between.',
    tags: [tag],
    parameters: [{ $ref: '#/components/parameters/IfMatch' }],
    requestBody: { required: true, content: json(ref(`${stem}Patch`)) },
    responses: {
      200: { description: `The changed ${label}.`, headers: { ETag: { $ref: '#/components/headers/ETag' } }, content: json(ref(`${stem}Record`)) },
      ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'PreconditionFailed', 'ValidationFailed'),
    },
  };

  const remove: Operation = {
    operationId: `delete${stem}Record`,
    summary: `Delete ${label}`,
    description: 'Moves the record to the recycle bin. Records that point here are cleared, deleted too, or block the delete (409), as their lookup says.',
    tags: [tag],
    responses: {
      204: { description: 'Deleted.' },
      ...problemResponses('Unauthorized', 'NotFound', 'Conflict'),
    },
  };

  return {
    [`/api/v1/records/${def.apiName}`]: { get: list, post: create },
    [`/api/v1/records/${def.apiName}/{id}`]: { parameters: [{ $ref: '#/components/parameters/RecordId' }], get, patch: update, delete: remove },
  };
}

function metadataItemPaths(segment: string, kind: string, kinds: string, stem: string, schema: string): Paths {
  const tags = ['Metadata'];
  const nameParam = { name: 'apiName', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } };
  return {
    [`/api/v1/meta/${segment}`]: {
      get: {
        operationId: `list${stem}s`, summary: `List ${kinds} in the draft`, tags,
        ...(kind === 'object' ? {} : { parameters: [{ name: 'object', in: 'query', required: false, description: 'Only those of this object.', schema: { type: 'string' } }] }),
        responses: {
          200: { description: `The draft's ${kinds}.`, content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref(schema) } } }) },
          ...problemResponses('Unauthorized'),
        },
      },
      post: {
        operationId: `create${stem}`, summary: `Add ${kind === 'object' ? 'an' : 'a'} ${kind} to the draft`, tags,
        description: 'Nothing is live until the draft is published. The server assigns missing ids.',
        requestBody: { required: true, content: json(ref(schema)) },
        responses: {
          201: { description: `The stored ${kind}, with ids.`, content: json(ref(schema)) },
          ...problemResponses('BadRequest', 'Unauthorized', 'Conflict', 'ValidationFailed'),
        },
      },
    },
    [`/api/v1/meta/${segment}/{apiName}`]: {
      parameters: [nameParam],
      get: {
        operationId: `get${stem}`, summary: `Get a ${kind} from the draft`, tags,
        responses: { 200: { description: `The ${kind}.`, content: json(ref(schema)) }, ...problemResponses('Unauthorized', 'NotFound') },
      },
      put: {
        operationId: `replace${stem}`, summary: `Replace a ${kind} in the draft`, tags,
        description: 'The body is the whole definition. Keep the ids: a changed apiName with the same id is a rename, not a new item.',
        requestBody: { required: true, content: json(ref(schema)) },
        responses: {
          200: { description: `The stored ${kind}.`, content: json(ref(schema)) },
          ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'Conflict', 'ValidationFailed'),
        },
      },
      delete: {
        operationId: `delete${stem}`, summary: `Delete a ${kind} from the draft`, tags,
        responses: { 204: { description: 'Deleted from the draft.' }, ...problemResponses('Unauthorized', 'NotFound', 'Conflict') },
      },
    },
  };
}

function fixedPaths(): Paths {
  const auth = ['Auth'];
  const meta = ['Metadata'];
  const releaseParam = { name: 'n', in: 'path', required: true, description: 'Release number.', schema: { type: 'integer', minimum: 1 } };
  const dryRunParam = { name: 'dryRun', in: 'query', required: false, description: 'Answer the plan without applying it.', schema: { type: 'boolean', default: false } };
  const publishOutcome = {
    200: { description: 'Dry run: the diff and the plan, nothing applied.', content: json(ref('PublishResult')) },
    201: { description: 'Published: the new release, its diff and the plan that was applied.', content: json(ref('PublishResult')) },
  };
  return {
    '/health': {
      get: {
        operationId: 'health', summary: 'Readiness', tags: ['System'], security: PUBLIC,
        responses: {
          200: { description: 'Ready.', content: json({ type: 'object', required: ['status', 'release'], properties: { status: { const: 'ok' }, release: { type: 'integer', description: 'The current metadata release.' } } }) },
          503: { description: 'Still starting.', content: json({ type: 'object', properties: { status: { const: 'starting' } } }) },
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi', summary: 'This document', tags: ['System'], security: PUBLIC,
        description: 'Generated from the current metadata release; it changes with every publish.',
        responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
      },
    },
    '/api/v1/auth/login': {
      post: {
        operationId: 'login', summary: 'Log in', tags: auth, security: PUBLIC,
        description: 'Trades an email and password for a bearer token.',
        requestBody: { required: true, content: json(ref('LoginRequest')) },
        responses: {
          200: { description: 'Logged in.', content: json(ref('Session')) },
          ...problemResponses('BadRequest', 'Unauthorized'),
        },
      },
    },
    '/api/v1/auth/logout': {
      post: {
        operationId: 'logout', summary: 'Log out', tags: auth, description: 'Revokes the token of this request.',
        responses: { 204: { description: 'The token no longer works.' }, ...problemResponses('Unauthorized') },
      },
    },
    '/api/v1/auth/me': {
      get: {
        operationId: 'getCurrentUser', summary: 'The logged-in user', tags: auth,
        responses: { 200: { description: 'The user the token belongs to.', content: json(ref('User')) }, ...problemResponses('Unauthorized') },
      },
    },
    ...metadataItemPaths('objects', 'object', 'objects', 'ObjectDefinition', 'ObjectDefinition'),
    ...metadataItemPaths('layouts', 'layout', 'layouts', 'LayoutDefinition', 'LayoutDefinition'),
    ...metadataItemPaths('list-views', 'list view', 'list views', 'ListViewDefinition', 'ListViewDefinition'),
    '/api/v1/meta/publish': {
      post: {
        operationId: 'publish', summary: 'Publish the draft', tags: meta,
        description: 'Turns the draft into a numbered release and changes the tables to match, in one transaction. A plan with lossy steps is refused (409) unless confirmLossy is true.',
        parameters: [dryRunParam],
        requestBody: { required: false, content: json(ref('PublishOptions')) },
        responses: { ...publishOutcome, ...problemResponses('BadRequest', 'Unauthorized', 'Conflict', 'ValidationFailed') },
      },
    },
    '/api/v1/meta/releases': {
      get: {
        operationId: 'listReleases', summary: 'List releases', tags: meta,
        responses: {
          200: { description: 'Every release, newest first.', content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('ReleaseSummary') } } }) },
          ...problemResponses('Unauthorized'),
        },
      },
    },
    '/api/v1/meta/releases/{n}': {
      get: {
        operationId: 'getRelease', summary: 'Get a release', tags: meta, parameters: [releaseParam],
        responses: { 200: { description: 'The release with its snapshot, diff and plan.', content: json(ref('Release')) }, ...problemResponses('BadRequest', 'Unauthorized', 'NotFound') },
      },
    },
    '/api/v1/meta/releases/{n}/rollback': {
      post: {
        operationId: 'rollbackRelease', summary: 'Roll back to a release', tags: meta,
        description: 'Re-applies an earlier release as a new release.',
        parameters: [releaseParam, dryRunParam],
        requestBody: { required: false, content: json(ref('PublishOptions')) },
        responses: { ...publishOutcome, ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'Conflict', 'ValidationFailed') },
      },
    },
    '/api/v1/meta/archive': {
      get: {
        operationId: 'listArchive', summary: 'List archived fields and objects', tags: meta,
        responses: {
          200: { description: 'Archived items that can be restored.', content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('ArchiveEntry') } } }) },
          ...problemResponses('Unauthorized'),
        },
      },
    },
    '/api/v1/meta/archive/{n}/restore': {
      post: {
        operationId: 'restoreArchived', summary: 'Restore an archived field or object into the draft', tags: meta,
        parameters: [{ ...releaseParam, description: 'Archive entry number.' }],
        responses: {
          200: { description: 'The object as it now stands in the draft; the next publish brings the data back.', content: json({ type: 'object', required: ['kind', 'object'], properties: { kind: { enum: ['object', 'field'] }, object: ref('ObjectDefinition') } }) },
          ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'Conflict'),
        },
      },
    },
  };
}

// ── The document ─────────────────────────────────────────────────────────────────────────────

export function buildOpenApi(compiled: CompiledMetadata, options: OpenApiOptions = {}): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const paths: Paths = {};
  const tags: { name: string; description?: string }[] = [];
  const usedStems = new Set<string>();
  const usedTags = new Set(['Auth', 'Metadata', 'System']);

  // code-point order, not the locale's: the same metadata gives the same document everywhere
  const objects = [...compiled.objects.values()].sort((a, b) => (a.def.apiName < b.def.apiName ? -1 : a.def.apiName > b.def.apiName ? 1 : 0));
  for (const object of objects) {
    const { apiName } = object.def;
    // a_1 and a1 would both be A1; apiNames are unique and never start upper-case, so fall back to one
    let stem = pascal(apiName);
    if (usedStems.has(stem)) stem = apiName;
    usedStems.add(stem);
    let tag = english(object.def.pluralLabel) || apiName;
    if (usedTags.has(tag)) tag = `${tag} (${apiName})`;
    usedTags.add(tag);
    tags.push({ name: tag, ...(object.def.description ? { description: object.def.description } : {}) });

    schemas[`${stem}Record`] = recordSchema(object);
    schemas[`${stem}Input`] = inputSchema(object, true);
    schemas[`${stem}Patch`] = inputSchema(object, false);
    schemas[`${stem}List`] = {
      type: 'object',
      required: ['data', 'nextCursor'],
      properties: {
        data: { type: 'array', items: ref(`${stem}Record`) },
        nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' },
      },
    };
    Object.assign(paths, recordPaths(object, stem, tag));
  }

  const fixed = fixedPaths();
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Tessera API',
      version: String(compiled.release),
      description: [
        `The records and metadata API of this Tessera tenant, generated from metadata release ${compiled.release}: publishing changes it.`,
        '',
        'Log in with `POST /api/v1/auth/login` and send the token as `Authorization: Bearer <token>`.',
        'Every 4xx answer is `application/problem+json` naming each field and rule that failed.',
      ].join('\n'),
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'Auth', description: 'Log in and out.' },
      { name: 'Metadata', description: 'Objects, layouts and list views in the draft; publish, releases and rollback.' },
      { name: 'System', description: 'Health and this document.' },
      ...tags,
    ],
    paths: { ...fixed, ...paths },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/auth/login.' },
      },
      schemas: { ...problemSchemas, ...filterSchemas, ...authSchemas, ...releaseSchemas, ...metaSchemas(), ...schemas },
      parameters: {
        RecordId: { name: 'id', in: 'path', required: true, description: 'Record id.', schema: { type: 'string', format: 'uuid' } },
        IfMatch: {
          name: 'If-Match', in: 'header', required: false,
          description: 'The ETag of the version you read, such as "3"; the update is refused with 412 when the record has changed since.',
          schema: { type: 'string', pattern: '^(W/)?"?[0-9]+"?$' },
        },
      },
      headers: {
        ETag: { description: 'The record\'s version, quoted ("3"); send it back as If-Match.', schema: { type: 'string' } },
        Location: { description: 'URL of the new record.', schema: { type: 'string', format: 'uri-reference' } },
      },
      responses: Object.fromEntries(Object.entries(PROBLEM_RESPONSES).map(([name, [, description]]) => [
        name,
        { description, content: { 'application/problem+json': { schema: ref('Problem') } } },
      ])),
    },
  };
  return document;
}
