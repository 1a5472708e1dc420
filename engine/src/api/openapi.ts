import type { JsonSchema } from '../fields/field-type.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { bulkPaths, importJobPaths } from './openapi/bulk-paths.js';
import { fixedPaths } from './openapi/fixed-paths.js';
import { aggregateSchemas, authSchemas, bulkSchemas, currencySchemas, filterSchemas, importSchemas, problemSchemas, searchSchemas } from './openapi/fixed-schemas.js';
import { metaSchemas, releaseSchemas } from './openapi/meta-schemas.js';
import { english, problemResponseComponents, type Paths } from './openapi/operation.js';
import { recordPaths, type ObjectNames } from './openapi/record-paths.js';
import { objectSchemas } from './openapi/record-schemas.js';

/**
 * The OpenAPI 3.1 document of one release, built from its compiled metadata: every published
 * object gets its record schemas and paths (CRUD, recycle bin, aggregates, bulk, CSV export and
 * import), next to the fixed auth, metadata, import job, search and currency endpoints.
 * Deterministic for a given release, so callers cache it per release number. The parts are in
 * ./openapi/.
 */

export interface OpenApiOptions {
  /** Absolute base URL of the API; without it clients resolve paths against the document's own origin. */
  serverUrl?: string;
}

export type OpenApiDocument = Record<string, unknown>;

/** Tags of the fixed paths; an object whose plural label is one of them gets its apiName added. */
const FIXED_TAGS = [
  { name: 'Auth', description: 'Log in and out.' },
  { name: 'Metadata', description: 'Objects, layouts and list views in the draft; publish, releases and rollback.' },
  { name: 'System', description: 'Health and this document.' },
  { name: 'Imports', description: 'CSV import jobs: progress and the report of refused rows.' },
  { name: 'Search', description: 'Search across objects.' },
  { name: 'Currencies', description: 'The corporate currency and dated exchange rates.' },
];

/** support_case → SupportCase: the stem of the object's schema names and operationIds. */
function pascal(apiName: string): string {
  return apiName.split('_').map((s) => (s ? s[0]!.toUpperCase() + s.slice(1) : '')).join('');
}

export function buildOpenApi(compiled: CompiledMetadata, options: OpenApiOptions = {}): OpenApiDocument {
  // code-point order, not the locale's: the same metadata gives the same document everywhere
  const objects = [...compiled.objects.values()].sort((a, b) => (a.def.apiName < b.def.apiName ? -1 : a.def.apiName > b.def.apiName ? 1 : 0));

  const names = new Map<string, ObjectNames>();
  const usedStems = new Set<string>();
  const usedTags = new Set(FIXED_TAGS.map((t) => t.name));
  for (const { def } of objects) {
    // a_1 and a1 would both be A1; apiNames are unique and never start upper-case, so fall back to one
    let stem = pascal(def.apiName);
    if (usedStems.has(stem)) stem = def.apiName;
    usedStems.add(stem);
    let tag = english(def.pluralLabel) || def.apiName;
    if (usedTags.has(tag)) tag = `${tag} (${def.apiName})`;
    usedTags.add(tag);
    names.set(def.apiName, { stem, tag });
  }
  const stems = new Map([...names].map(([apiName, n]) => [apiName, n.stem]));

  const schemas: Record<string, JsonSchema> = {};
  const paths: Paths = {};
  for (const object of objects) {
    const objectNames = names.get(object.def.apiName)!;
    Object.assign(schemas, objectSchemas(object, objectNames.stem, stems));
    Object.assign(paths, recordPaths(object, compiled.objects, objectNames), bulkPaths(object, compiled.objects, objectNames));
  }

  return {
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
      ...FIXED_TAGS,
      ...objects.map(({ def }) => ({ name: names.get(def.apiName)!.tag, ...(def.description ? { description: def.description } : {}) })),
    ],
    paths: { ...fixedPaths(objects.map((o) => o.def.apiName)), ...importJobPaths(), ...paths },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/auth/login.' },
      },
      schemas: {
        ...problemSchemas, ...filterSchemas, ...authSchemas, ...releaseSchemas, ...metaSchemas(),
        ...bulkSchemas, ...aggregateSchemas, ...importSchemas, ...searchSchemas, ...currencySchemas, ...schemas,
      },
      parameters: {
        RecordId: { name: 'id', in: 'path', required: true, description: 'Record id.', schema: { type: 'string', format: 'uuid' } },
        IfMatch: {
          name: 'If-Match', in: 'header', required: false,
          description: 'The ETag of the version you read, such as "3"; the update is refused with 412 when the record has changed since.',
          schema: { type: 'string', pattern: '^(W/)?"?[0-9]+"?$' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key', in: 'header', required: false,
          description: 'A key of your choice, such as a UUID, to retry a request safely: the same key with the same body answers the first result again (with Idempotent-Replayed) and writes nothing; with a different body it is refused with 422.',
          schema: { type: 'string', pattern: '^[!-~]{1,200}$' },
        },
      },
      headers: {
        ETag: { description: 'The record\'s version, quoted ("3"); send it back as If-Match.', schema: { type: 'string' } },
        Location: { description: 'URL of the new record.', schema: { type: 'string', format: 'uri-reference' } },
        IdempotentReplayed: { description: '`true` when the answer is the stored one of an earlier request with the same Idempotency-Key; nothing was written this time.', schema: { const: 'true' } },
      },
      responses: problemResponseComponents(),
    },
  };
}
