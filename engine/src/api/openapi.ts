import type { JsonSchema } from '../fields/field-type.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { authPaths } from './openapi/auth-paths.js';
import { bulkPaths, importJobPaths } from './openapi/bulk-paths.js';
import { APPROVALS_TAG, approvalPaths, approvalSchemas } from './openapi/approval-paths.js';
import { AUTOMATION_TAG, automationPaths, automationSchemas, NOTIFICATIONS_TAG } from './openapi/automation-paths.js';
import { fixedPaths } from './openapi/fixed-paths.js';
import {
  aggregateSchemas,
  bulkSchemas,
  currencySchemas,
  filterSchemas,
  importSchemas,
  problemSchemas,
  searchSchemas,
} from './openapi/fixed-schemas.js';
import { metaPaths } from './openapi/meta-paths.js';
import { draftPaths } from './openapi/draft-paths.js';
import { packsPaths } from './openapi/packs-paths.js';
import { metaUsagePaths } from './openapi/meta-usage-paths.js';
import { ruleEditorPaths } from './openapi/rule-editor-paths.js';
import { metaSchemas, releaseSchemas } from './openapi/meta-schemas.js';
import { english, problemResponseComponents, withRequestId, type Paths } from './openapi/operation.js';
import { recordPaths, type ObjectNames } from './openapi/record-paths.js';
import { objectSchemas } from './openapi/record-schemas.js';
import { setupAuditPaths, tenantPaths, userPaths } from './openapi/security-paths.js';
import { authSchemas, sharingSchemas, tenantSchemas, userSchemas } from './openapi/security-schemas.js';
import { sharingPaths } from './openapi/sharing-paths.js';
import { viewPaths, viewSchemas, VIEWS_TAG } from './openapi/view-paths.js';

/**
 * The OpenAPI 3.1 document of one release, built from its compiled metadata: every published
 * object gets its record schemas and paths (CRUD, recycle bin, aggregates, bulk, CSV export and
 * import, history, shares and access), next to the fixed auth, user, setup audit, tenant,
 * metadata, import job, search, currency and saved-view endpoints.
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
  { name: 'Auth', description: "Log in and out, the signed-in user's permissions, and named API tokens." },
  { name: 'Users', description: 'Users, their role, permission sets and groups.' },
  { name: 'Setup audit', description: 'Who changed metadata, users, tokens and tenants, and when.' },
  {
    name: 'Tenants',
    description: "Tenants of this engine, each in a PostgreSQL schema of its own (default tenant's admins only).",
  },
  {
    name: 'Metadata',
    description:
      'Objects, layouts, list views, dashboards, roles, groups, permission sets and workflows in the draft; publish, releases and rollback.',
  },
  {
    name: 'Packs',
    description:
      'Industry packs: metadata that installs, upgrades (merging three ways with the admin’s changes) and uninstalls (archiving, not dropping) like an app.',
  },
  { name: 'System', description: 'Health and this document.' },
  { name: 'Imports', description: 'CSV import jobs: progress and the report of refused rows.' },
  { name: 'Search', description: 'Search across objects.' },
  { name: 'Currencies', description: 'The corporate currency and dated exchange rates.' },
  VIEWS_TAG,
  AUTOMATION_TAG,
  NOTIFICATIONS_TAG,
  APPROVALS_TAG,
];

/** support_case → SupportCase: the stem of the object's schema names and operationIds. */
function pascal(apiName: string): string {
  return apiName
    .split('_')
    .map((s) => (s ? s[0]!.toUpperCase() + s.slice(1) : ''))
    .join('');
}

export function buildOpenApi(compiled: CompiledMetadata, options: OpenApiOptions = {}): OpenApiDocument {
  // code-point order, not the locale's: the same metadata gives the same document everywhere
  const objects = [...compiled.objects.values()].sort((a, b) =>
    a.def.apiName < b.def.apiName ? -1 : a.def.apiName > b.def.apiName ? 1 : 0,
  );

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
    Object.assign(
      paths,
      recordPaths(object, compiled.objects, objectNames),
      bulkPaths(object, compiled.objects, objectNames),
      sharingPaths(object, objectNames),
    );
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
        'Log in with `POST /api/v1/auth/login` and send the token as `Authorization: Bearer <token>` (the user needs the apiAccess permission),',
        'or create a named API token for an integration with `POST /api/v1/auth/tokens`. Browsers may use the `tessera_session` cookie the login sets instead,',
        'sending `X-Requested-With: XMLHttpRequest` with every request.',
        '',
        'What a caller may do comes from their permission sets (deny by default), their role and the records shared with them:',
        'a record they may not see answers 404, an action they may not take 403 with `errors[].code` saying why.',
        'Every 4xx answer is `application/problem+json` naming each field and rule that failed.',
        '',
        "This document describes the default tenant's release; other tenants have the same fixed paths and their own objects.",
      ].join('\n'),
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [
      ...FIXED_TAGS,
      ...objects.map(({ def }) => ({
        name: names.get(def.apiName)!.tag,
        ...(def.description ? { description: def.description } : {}),
      })),
    ],
    paths: withRequestId({
      ...fixedPaths(objects.map((o) => o.def.apiName)),
      ...authPaths(),
      ...userPaths(),
      ...setupAuditPaths(),
      ...tenantPaths(),
      ...metaPaths(),
      ...metaUsagePaths(),
      ...ruleEditorPaths(),
      ...draftPaths(),
      ...packsPaths(),
      ...importJobPaths(),
      ...viewPaths(objects.map((o) => o.def.apiName)),
      ...automationPaths(),
      ...approvalPaths(
        new Map(objects.filter((o) => o.approvals).map((o) => [o.def.apiName, stems.get(o.def.apiName)!])),
      ),
      ...paths,
    }),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The token from POST /api/v1/auth/login, or a named API token (POST /api/v1/auth/tokens). Needs the apiAccess system permission.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'tessera_session',
          description:
            'The httpOnly, SameSite=Strict cookie POST /api/v1/auth/login sets, for the UI. Every request signed in by it must also send `X-Requested-With: XMLHttpRequest` (403 `csrf` otherwise); it does not need apiAccess. POST /api/v1/auth/logout clears it.',
        },
      },
      schemas: {
        ...problemSchemas,
        ...filterSchemas,
        ...authSchemas,
        ...userSchemas,
        ...tenantSchemas,
        ...sharingSchemas,
        ...releaseSchemas,
        ...metaSchemas(),
        ...bulkSchemas,
        ...aggregateSchemas,
        ...importSchemas,
        ...searchSchemas,
        ...currencySchemas,
        ...viewSchemas,
        ...automationSchemas,
        ...approvalSchemas,
        ...schemas,
      },
      parameters: {
        RecordId: {
          name: 'id',
          in: 'path',
          required: true,
          description: 'Record id.',
          schema: { type: 'string', format: 'uuid' },
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description:
            'The ETag of the version you read, such as "3"; the update is refused with 412 when the record has changed since.',
          schema: { type: 'string', pattern: '^(W/)?"?[0-9]+"?$' },
        },
        DraftIfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description:
            'The ETag the item was read with; the change is refused with 412 when someone changed the item since. `*` or no header: no check.',
          schema: { type: 'string' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'A key of your choice, such as a UUID, to retry a request safely: the same key with the same body answers the first result again (with Idempotent-Replayed) and writes nothing; with a different body it is refused with 422.',
          schema: { type: 'string', pattern: '^[!-~]{1,200}$' },
        },
        IfNoneMatch: {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          description: 'The ETag of the copy you hold; the answer is 304 with no body while it is still current.',
          schema: { type: 'string' },
        },
      },
      headers: {
        ETag: {
          description: 'The record\'s version, quoted ("3"); send it back as If-Match.',
          schema: { type: 'string' },
        },
        DraftETag: {
          description:
            'The draft item as stored, quoted (a hash of its definition); send it back as If-Match to save or delete it.',
          schema: { type: 'string' },
        },
        RuntimeETag: {
          description:
            'The release and the caller\'s grants, as "release-<n>-<grants>"; send it back as If-None-Match.',
          schema: { type: 'string' },
        },
        DocumentETag: {
          description: 'The release this document describes, as W/"release-<n>"; send it back as If-None-Match.',
          schema: { type: 'string' },
        },
        XRequestId: {
          description: "Names this request in the server's log, on every answer: quote it when you report a problem.",
          schema: { type: 'string' },
        },
        Location: { description: 'URL of the new record.', schema: { type: 'string', format: 'uri-reference' } },
        IdempotentReplayed: {
          description:
            '`true` when the answer is the stored one of an earlier request with the same Idempotency-Key; nothing was written this time.',
          schema: { const: 'true' },
        },
      },
      responses: problemResponseComponents(),
    },
  };
}
