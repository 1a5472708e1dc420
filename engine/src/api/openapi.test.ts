import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Access } from '../security/access.js';
import { AuthService } from '../security/auth.service.js';
import type { Principal } from '../security/principal.js';
import type { SetupAudit } from '../security/setup-audit.js';
import { UsersService } from '../security/users.service.js';
import { TenantRegistry } from '../tenants/registry.js';
import { checkApiName } from '../metadata/identifiers.js';
import { ITEM_SPECS } from '../metadata/kinds.js';
import { ERROR_CODE_LIST, ERROR_CODES, Problem, PROBLEM_KIND_LIST, PROBLEM_KINDS } from '../errors.js';
import { SESSION_COOKIE } from './auth.router.js';
import { metaGuard } from './meta-guard.js';
import { KIND_DOCS, kindPath } from './openapi/meta-paths.js';
import { FORBIDDEN_CODES, PROBLEM_RESPONSES } from './openapi/operation.js';
import { setupAuditRouter } from './users.router.js';
import { compile, type CompiledMetadata } from '../metadata/compile.js';
import type { MetadataSnapshot, ObjectDef } from '../metadata/types.js';
import { CORE_PACK_DIR, readPack } from '../packs/pack-files.js';
import { parseSort } from '../query/keyset.js';
import { PathResolver } from '../query/paths.js';
import { CsvExporter } from '../records/csv-export.js';
import { RecordsService } from '../records/records.service.js';
import { SYSTEM_OUTPUT } from '../query/record-json.js';
import { buildOpenApi } from './openapi.js';

const CORE_OBJECTS = ['account', 'contact', 'lead', 'opportunity', 'activity', 'support_case', 'product'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Doc = Record<string, any>;
const core = readPack(CORE_PACK_DIR).snapshot;
const build = (snapshot: MetadataSnapshot = core, release = 1) =>
  // through JSON, as clients get it: nothing that does not serialise may hide in the document
  JSON.parse(JSON.stringify(buildOpenApi(compile(release, snapshot), { serverUrl: 'http://localhost:3000' }))) as Doc;

function operations(doc: Doc): { path: string; method: string; op: Doc }[] {
  return Object.entries(doc.paths as Doc).flatMap(([path, item]) =>
    Object.entries(item as Doc)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

async function expectValid(doc: Doc): Promise<void> {
  const result = await new Validator().validate(doc);
  expect(result.valid, `OpenAPI 3.1 validation errors: ${JSON.stringify(result.errors, null, 2)}`).toBe(true);
}

/** A property schema is `{type: [...]}`, or `anyOf` with a null branch: the non-null part. */
function valueBranch(schema: Doc): Doc {
  return schema.anyOf ? schema.anyOf.find((s: Doc) => s.type !== 'null') : schema;
}

describe('buildOpenApi on the core pack', () => {
  const doc = build();

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Tessera API', version: '1' });
    expect(doc.servers).toEqual([{ url: 'http://localhost:3000' }]);
    await expectValid(doc);
  });

  it('has list/create and read/update/delete paths for every core object', () => {
    for (const name of CORE_OBJECTS) {
      expect(Object.keys(doc.paths[`/api/v1/records/${name}`]).sort()).toEqual(['get', 'post']);
      expect(
        Object.keys(doc.paths[`/api/v1/records/${name}/{id}`])
          .filter((k) => METHODS.includes(k))
          .sort(),
      ).toEqual(['delete', 'get', 'patch']);
    }
    expect(doc.components.schemas.SupportCaseRecord).toBeDefined();
    expect(doc.components.schemas.SupportCaseInput).toBeDefined();
    expect(doc.components.schemas.SupportCaseList.properties.nextCursor.type).toEqual(['string', 'null']);
  });

  it('has the fixed endpoints', () => {
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/meta/objects', 'get'],
      ['/api/v1/meta/objects', 'post'],
      ['/api/v1/meta/objects/{apiName}', 'get'],
      ['/api/v1/meta/objects/{apiName}', 'put'],
      ['/api/v1/meta/objects/{apiName}', 'delete'],
      ['/api/v1/meta/publish', 'post'],
      ['/api/v1/meta/releases', 'get'],
      ['/api/v1/meta/releases/{n}/rollback', 'post'],
      ['/health', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const publish = doc.paths['/api/v1/meta/publish'].post;
    expect(publish.parameters.map((p: Doc) => p.name)).toContain('dryRun');
    expect(doc.components.schemas.PublishOptions.properties.confirmLossy.type).toBe('boolean');
  });

  it('gives every operation a unique operationId, a summary and a tag', () => {
    const ops = operations(doc);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const tagNames = new Set((doc.tags as Doc[]).map((t) => t.name));
    for (const { path, method, op } of ops) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(op.tags?.length, `${method} ${path}`).toBe(1);
      expect(tagNames.has(op.tags[0]), `${method} ${path} tag ${op.tags[0]}`).toBe(true);
    }
    expect(tagNames).toContain('Auth');
    expect(tagNames).toContain('Metadata');
    expect(tagNames).toContain('Opportunities');
  });

  it('needs a bearer token or the session cookie everywhere but login, health, the document itself and inbound URLs, and says so with 401', () => {
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.sessionCookie).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }),
    );
    expect(doc.components.securitySchemes.sessionCookie.description).toContain('X-Requested-With: XMLHttpRequest');
    const open = operations(doc)
      .filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0)
      .map((o) => o.op.operationId)
      .sort();
    // An inbound workflow's secret URL is its own credential.
    expect(open).toEqual(['getOpenApi', 'health', 'login', 'postInbound']);
    for (const { path, method, op } of operations(doc)) {
      if (open.includes(op.operationId)) continue;
      expect(op.security, `${method} ${path} keeps the default security`).toBeUndefined();
      expect(op.responses['401'], `${method} ${path}`).toBeDefined();
    }
  });

  it('answers every 4xx as problem+json', () => {
    for (const { path, method, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses as Doc)) {
        if (!status.startsWith('4')) continue;
        const name = (response.$ref as string).replace('#/components/responses/', '');
        const content = doc.components.responses[name].content;
        expect(Object.keys(content), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        expect(content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
    const update = doc.paths['/api/v1/records/opportunity/{id}'].patch;
    expect(Object.keys(update.responses).sort()).toEqual(['200', '400', '401', '403', '404', '412', '422']);
    expect(doc.components.schemas.Problem.properties.errors.items).toEqual({ $ref: '#/components/schemas/FieldError' });
    expect(Object.keys(doc.components.schemas.FieldError.properties)).toEqual(
      expect.arrayContaining(['field', 'code', 'message', 'rule']),
    );
  });

  it('has the security endpoints: sessions, API tokens, users, setup audit, tenants', () => {
    for (const [path, methods] of [
      ['/api/v1/auth/login', ['post']],
      ['/api/v1/auth/logout', ['post']],
      ['/api/v1/auth/me', ['get']],
      ['/api/v1/auth/tokens', ['get', 'post']],
      ['/api/v1/auth/tokens/{id}', ['delete']],
      ['/api/v1/users', ['get', 'post']],
      ['/api/v1/users/{id}', ['get', 'patch']],
      ['/api/v1/setup-audit', ['get']],
      ['/api/v1/read-audit', ['get']],
      ['/api/v1/tenants', ['get', 'post']],
      ['/api/v1/meta/runtime', ['get']],
    ] as const) {
      expect(
        Object.keys(doc.paths[path] ?? {})
          .filter((k) => METHODS.includes(k))
          .sort(),
        path,
      ).toEqual([...methods].sort());
    }
    const login = doc.paths['/api/v1/auth/login'].post;
    expect(doc.components.schemas.LoginRequest.properties.tenant.type).toBe('string');
    expect(login.responses['200'].headers['Set-Cookie'].description).toContain('HttpOnly; SameSite=Strict');
    expect(login.responses['429']).toEqual({ $ref: '#/components/responses/TooManyRequests' });
    expect(doc.components.responses.TooManyRequests.headers['Retry-After'].schema).toEqual({
      type: 'integer',
      minimum: 1,
    });
    // the permissions the UI draws itself from
    const me = doc.components.schemas.CurrentUser;
    expect(me.required).toEqual(expect.arrayContaining(['permissions', 'role', 'permissionSets', 'groups']));
    expect(me.properties.permissions.properties.system.items.enum).toEqual([
      'manageMetadata',
      'manageUsers',
      'importData',
      'exportData',
      'apiAccess',
    ]);
    expect(doc.paths['/api/v1/auth/tokens'].post.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatedApiToken',
    });
    // the document is public: it does not say which roles, groups and permission sets a tenant has
    const grants = doc.components.schemas.NewUser.properties;
    expect(grants.role).toMatchObject({ type: ['string', 'null'], pattern: '^[a-z][a-z0-9_]{0,39}$' });
    const text = JSON.stringify(doc);
    for (const { apiName } of [...core.roles!, ...core.groups!, ...core.permissionSets!])
      expect(text, apiName).not.toContain(`"${apiName}"`);
    expect(doc.components.schemas.UserChanges.properties.currentPassword).toBeDefined();
    expect(doc.components.schemas.NewUser.properties.currentPassword).toBeUndefined();
    expect(doc.paths['/api/v1/users'].post.responses['201'].headers.Location).toBeDefined();
  });

  it('has history, shares and access paths for every core object', () => {
    for (const name of CORE_OBJECTS) {
      const base = `/api/v1/records/${name}/{id}`;
      for (const [path, methods] of [
        ['/history', ['get']],
        ['/shares', ['get', 'post']],
        ['/shares/{shareId}', ['delete']],
        ['/access', ['get']],
      ] as const) {
        expect(
          Object.keys(doc.paths[base + path] ?? {})
            .filter((k) => METHODS.includes(k))
            .sort(),
          base + path,
        ).toEqual([...methods].sort());
      }
    }
    const share = doc.components.schemas.NewShare;
    expect(share.properties.access.enum).toEqual(['read', 'edit']);
    expect(share.properties.group.type).toBe('string');
    expect(share.oneOf.map((o: Doc) => o.required)).toEqual([['userId'], ['group']]);
    expect(doc.components.schemas.HistoryEntry.properties.via.enum).toEqual([
      'api',
      'ui',
      'bulk',
      'import',
      'workflow',
      'approval',
    ]);
    const access = doc.paths['/api/v1/records/account/{id}/access'].get;
    expect(access.parameters[0]).toMatchObject({ name: 'user', in: 'query', schema: { format: 'uuid' } });
    expect(doc.components.schemas.AccessExplanation.properties.grants.items.properties.reason.enum).toContain(
      'roleHierarchy',
    );
  });

  it('documents every metadata kind, with the permission changing it needs', () => {
    for (const spec of ITEM_SPECS) {
      const { schema } = KIND_DOCS[spec.kind];
      expect(doc.components.schemas[schema], spec.kind).toBeDefined();
      for (const [path, methods] of [
        [`/api/v1/meta/${spec.path}`, ['get', 'post']],
        [`/api/v1/meta/${spec.path}/{apiName}`, ['delete', 'get', 'put']],
      ] as const) {
        expect(
          Object.keys(doc.paths[path] ?? {})
            .filter((k) => METHODS.includes(k))
            .sort(),
          path,
        ).toEqual([...methods]);
      }
    }
    expect(doc.components.schemas.PermissionSetDefinition.properties.system.items.enum).toContain('apiAccess');
    expect(doc.components.schemas.RoleDefinition.properties.label).toEqual(
      expect.objectContaining({ $ref: '#/components/schemas/Label' }),
    );
    expect(doc.components.schemas.ObjectDefinition.properties.sharing.properties.default.enum).toEqual([
      'private',
      'read',
      'readWrite',
    ]);
    expect(doc.components.schemas.MetadataChange.properties.kind.enum).toEqual(
      expect.arrayContaining(['role', 'group', 'permissionSet', 'dashboard']),
    );
    expect(Object.keys(doc.components.schemas.Release.properties.snapshot.properties)).toEqual(
      expect.arrayContaining(['roles', 'groups', 'permissionSets', 'dashboards']),
    );
    expect(doc.paths['/api/v1/meta/permission-sets'].post.responses['403'].description).toContain('manageUsers');
    expect(doc.paths['/api/v1/meta/permission-sets'].post.responses['403'].description).toContain('`grantBeyondOwn`');
    expect(doc.paths['/api/v1/meta/roles/{apiName}'].put.responses['403'].description).toContain('`roleHierarchy`');
    expect(doc.paths['/api/v1/meta/layouts'].post.responses['403'].description).toContain('manageMetadata');
  });

  it('answers 403 wherever a session is needed, naming the codes each operation can give', () => {
    for (const { path, method, op } of operations(doc)) {
      if (Array.isArray(op.security) || !op.responses['401']) continue;
      const forbidden = op.responses['403'];
      expect(forbidden?.$ref, `${method} ${path}`).toBe('#/components/responses/Forbidden');
      // a cookie without X-Requested-With, or a bearer token without apiAccess: anywhere
      expect(forbidden.description, `${method} ${path}`).toContain('`csrf`');
      expect(forbidden.description, `${method} ${path}`).toContain('`systemPermission`');
      for (const [, code] of forbidden.description.matchAll(/- `(\w+)`/g))
        expect(FORBIDDEN_CODES, `${method} ${path}`).toContain(code);
    }
    const codes = (path: string, method: string) =>
      [...(doc.paths[path][method].responses['403'].description as string).matchAll(/- `(\w+)`/g)].map((m) => m[1]);
    const record = '/api/v1/records/opportunity';
    // Naming a field one may not read is an unknown field's 400, not a 403: only writes say fieldPermission.
    expect(codes(record, 'get')).toEqual(['csrf', 'systemPermission', 'objectPermission']);
    expect(codes(record, 'post')).toContain('fieldPermission');
    expect(codes(record, 'post')).toContain('transfer');
    expect(codes(`${record}/{id}`, 'patch')).toEqual(expect.arrayContaining(['fieldPermission', 'recordAccess']));
    expect(codes(`${record}/{id}`, 'delete')).toContain('recordAccess');
    expect(codes(`${record}/{id}/shares`, 'post')).toContain('recordAccess');
    expect(codes('/api/v1/users', 'post')).toEqual(expect.arrayContaining(['grantBeyondOwn', 'adminOnly']));
    expect(codes('/api/v1/users/{id}', 'patch')).toEqual(
      expect.arrayContaining(['ownGrants', 'adminTarget', 'grantBeyondOwn']),
    );
    expect(codes('/api/v1/tenants', 'post')).toContain('platformAdmin');
    expect(codes('/api/v1/meta/releases/{n}/rollback', 'post')).toContain('securityRollback');
    expect(doc.paths[`${record}/export`].get.responses['403'].description).toContain('exportData');
    expect(doc.paths[`${record}/import`].post.responses['403'].description).toContain('importData');
    expect(doc.paths['/api/v1/setup-audit'].get.responses['403'].description).toContain('manageUsers');
    // login answers no 403: it reads no session
    expect(doc.paths['/api/v1/auth/login'].post.responses['403']).toBeUndefined();
  });

  it('types opportunity fields from their field types', () => {
    const record = doc.components.schemas.OpportunityRecord;
    const stage = valueBranch(record.properties.stage);
    expect(stage.enum).toEqual([
      'prospecting',
      'qualification',
      'needs_analysis',
      'proposal',
      'negotiation',
      'closed_won',
      'closed_lost',
    ]);
    expect(record.properties.stage.anyOf).toContainEqual({ type: 'null' });
    expect(record.properties.amount.type).toEqual(['number', 'null']);
    expect(record.properties.amount.title).toBe('Amount');
    // a lookup reads as the id, or as { id, … } when `fields` names the target's fields
    expect(record.properties.account.anyOf).toEqual([
      { type: 'string', format: 'uuid' },
      { $ref: '#/components/schemas/AccountExpanded' },
      { type: 'null' },
    ]);
    expect(doc.components.schemas.AccountExpanded).toMatchObject({
      required: ['id'],
      properties: { id: { format: 'uuid' }, name: { type: ['string', 'null'] } },
    });
    // an amount reads as a number, with its currency code beside it
    expect(record.properties.amount__currency).toMatchObject({
      type: ['string', 'null'],
      pattern: '^[A-Z]{3}$',
      readOnly: true,
    });
    for (const system of ['id', 'version', 'owner_id', 'created_at', 'created_by', 'updated_at', 'updated_by']) {
      expect(record.properties[system].readOnly, system).toBe(true);
      expect(record.required).toContain(system);
    }
  });

  it('describes writes: writable fields only, required ones without a default, nothing else', () => {
    const input = doc.components.schemas.OpportunityInput;
    expect(input.additionalProperties).toBe(false);
    // stage is required but has a default; name and close_date must be sent
    expect(input.required.sort()).toEqual(['close_date', 'name']);
    expect(input.properties.stage).toMatchObject({ type: 'string', default: 'prospecting' });
    // an amount is written as a number, or with its currency code
    expect(input.properties.amount.anyOf).toEqual([
      {
        anyOf: [
          expect.objectContaining({ type: 'number' }),
          expect.objectContaining({ type: 'object', required: ['amount'] }),
        ],
      },
      { type: 'null' },
    ]);
    expect(input.properties.id).toBeUndefined();
    // owner_id is the one system field a single write takes: a transfer
    expect(input.properties.owner_id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(input.properties.owner_id.description).toContain('modifyAll');
    expect(input.properties.version).toBeUndefined();

    const patch = doc.components.schemas.OpportunityPatch;
    expect(patch.required).toBeUndefined();
    expect(Object.keys(patch.properties)).toEqual(Object.keys(input.properties));

    // support_case's case number is an autonumber: readable, never writable
    const caseNumber = [...core.objects.find((o) => o.apiName === 'support_case')!.fields].find(
      (f) => f.type === 'autonumber',
    )!.apiName;
    expect(doc.components.schemas.SupportCaseRecord.properties[caseNumber].readOnly).toBe(true);
    expect(doc.components.schemas.SupportCaseInput.properties[caseNumber]).toBeUndefined();
  });

  it('documents the list parameters', () => {
    const list = doc.paths['/api/v1/records/opportunity'].get;
    const param = (name: string) => list.parameters.find((p: Doc) => p.name === name);
    expect(param('filter').content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Filter' });
    expect(param('limit').schema).toEqual({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
    expect(param('cursor').schema.type).toBe('string');
    const sort = new RegExp(param('sort').schema.pattern);
    expect(sort.test('-amount,name')).toBe(true);
    expect(sort.test('-created_at')).toBe(true);
    expect(sort.test('description')).toBe(false); // textarea: not sortable
    const fields = new RegExp(param('fields').schema.pattern);
    expect(fields.test('name,amount')).toBe(true);
    expect(fields.test('name,nope')).toBe(false);
    const filter = doc.components.schemas.Filter;
    expect(filter.properties.and.items).toEqual({ $ref: '#/components/schemas/Filter' });
    expect(filter.properties.not.$ref).toBe('#/components/schemas/Filter');
    expect(Object.keys(doc.components.schemas.FilterCondition.anyOf[0].properties)).toEqual([
      'eq',
      'ne',
      'gt',
      'gte',
      'lt',
      'lte',
      'in',
      'nin',
      'contains',
      'startsWith',
      'isNull',
      'between',
    ]);
  });

  it('answers ETag on reads and takes If-Match on updates', () => {
    const etag = { $ref: '#/components/headers/ETag' };
    const item = doc.paths['/api/v1/records/account/{id}'];
    expect(item.get.responses['200'].headers.ETag).toEqual(etag);
    expect(item.patch.responses['200'].headers.ETag).toEqual(etag);
    expect(doc.paths['/api/v1/records/account'].post.responses['201'].headers.ETag).toEqual(etag);
    expect(doc.paths['/api/v1/records/account/{id}/restore'].post.responses['200'].headers.ETag).toEqual(etag);
    expect(item.patch.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    expect(doc.components.parameters.IfMatch).toMatchObject({ in: 'header', name: 'If-Match', required: false });
    expect(item.delete.responses['204']).toBeDefined();
    // the runtime metadata and this document revalidate with If-None-Match
    for (const [path, header] of [
      ['/api/v1/meta/runtime', 'RuntimeETag'],
      ['/api/v1/openapi.json', 'DocumentETag'],
    ] as const) {
      const get = doc.paths[path].get;
      expect(get.parameters, path).toEqual([{ $ref: '#/components/parameters/IfNoneMatch' }]);
      expect(get.responses['200'].headers.ETag, path).toEqual({ $ref: `#/components/headers/${header}` });
      expect(get.responses['304'], path).toBeDefined();
    }
    expect(doc.components.parameters.IfNoneMatch).toMatchObject({ in: 'header', name: 'If-None-Match' });
  });

  it('names the request in X-Request-Id on every answer', () => {
    const requestId = { $ref: '#/components/headers/XRequestId' };
    let answers = 0;
    for (const { path, method, op } of operations(doc)) {
      for (const [status, answer] of Object.entries(op.responses as Doc)) {
        const response = answer.$ref ? doc.components.responses[answer.$ref.split('/').pop()] : answer;
        expect(response.headers?.['X-Request-Id'], `${method} ${path} ${status}`).toEqual(requestId);
        answers++;
      }
    }
    expect(answers).toBeGreaterThan(operations(doc).length);
    expect(doc.components.headers.XRequestId.schema).toEqual({ type: 'string' });
    // the shared ETag headers object of record answers is not where the header was added
    expect(Object.keys(doc.paths['/api/v1/records/account/{id}'].get.responses['200'].headers)).toEqual([
      'ETag',
      'X-Request-Id',
    ]);
  });

  it('names every problem type and error code, each with its description', () => {
    const { type } = doc.components.schemas.Problem.properties;
    expect(type.enum).toEqual(PROBLEM_KIND_LIST.map((kind) => `https://tessera.dev/problems/${kind}`));
    expect(type.enum).toEqual(
      expect.arrayContaining([
        'https://tessera.dev/problems/validation',
        'https://tessera.dev/problems/stale-version',
        'https://tessera.dev/problems/session-expired',
      ]),
    );
    type.enum.forEach((uri: string, i: number) => {
      const kind = PROBLEM_KIND_LIST[i]!;
      const { status, title } = PROBLEM_KINDS[kind];
      expect(type['x-enum-descriptions'][i], uri).toContain(`${status} ${title}.`);
      expect(type.description).toContain(`- \`${kind}\`: ${status} ${title}.`);
    });

    const { code } = doc.components.schemas.FieldError.properties;
    expect(code.enum).toEqual(ERROR_CODE_LIST);
    expect(code.enum).toEqual(expect.arrayContaining(['required', 'stale', 'reused', 'entity.parse.failed']));
    expect(code['x-enum-descriptions']).toEqual(ERROR_CODE_LIST.map((c) => ERROR_CODES[c]));
    for (const c of ERROR_CODE_LIST) {
      expect(ERROR_CODES[c], c).toMatch(/^\S.*\.$/);
      expect(code.description).toContain(`- \`${c}\`: ${ERROR_CODES[c]}`);
    }

    // each problem answer names the kinds of its status, and every 4xx kind has an answer
    const answers = Object.values(doc.components.responses as Doc);
    for (const kind of PROBLEM_KIND_LIST) {
      const { status } = PROBLEM_KINDS[kind];
      if (status >= 500) continue;
      const answer = Object.entries(PROBLEM_RESPONSES).find(([, [s]]) => s === String(status));
      expect(answer, kind).toBeDefined();
      expect(doc.components.responses[answer![0]].description, kind).toContain(`…/problems/${kind}`);
    }
    expect(answers).toHaveLength(Object.keys(PROBLEM_RESPONSES).length);
  });

  it('has the bulk, aggregate, recycle-bin and CSV paths for every core object', () => {
    for (const name of CORE_OBJECTS) {
      const base = `/api/v1/records/${name}`;
      for (const [path, methods] of [
        ['/bulk', ['post', 'patch']],
        ['/bulk-delete', ['post']],
        ['/aggregate', ['get']],
        ['/{id}/restore', ['post']],
        ['/{id}/purge', ['post']],
        ['/export', ['get']],
        ['/import', ['post']],
      ] as const) {
        expect(
          Object.keys(doc.paths[base + path] ?? {}).filter((k) => METHODS.includes(k)),
          `${base}${path}`,
        ).toEqual(methods);
      }
    }
    for (const [path, method] of [
      ['/api/v1/imports/{id}', 'get'],
      ['/api/v1/imports/{id}/errors.csv', 'get'],
      ['/api/v1/search', 'get'],
      ['/api/v1/currencies', 'get'],
      ['/api/v1/currencies/corporate', 'put'],
      ['/api/v1/currencies/rates', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it('describes bulk writes: create rows, upsert rows where a unique field exists, a result per row', () => {
    const bulk = doc.paths['/api/v1/records/opportunity/bulk'].post;
    expect(bulk.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(bulk.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OpportunityBulkRequest',
    });
    expect(bulk.responses['200'].headers['Idempotent-Replayed']).toEqual({
      $ref: '#/components/headers/IdempotentReplayed',
    });
    expect(bulk.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BulkResult',
    });
    expect(Object.keys(bulk.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '422']);
    expect(bulk.responses['422'].description).toContain('index');

    // no unique field on opportunity: create rows only
    const opportunities = doc.components.schemas.OpportunityBulkRequest;
    expect(opportunities).toMatchObject({ required: ['records'], additionalProperties: false });
    // bulk rows are the create body without owner_id, which bulk refuses
    expect(opportunities.properties.records).toMatchObject({
      minItems: 1,
      maxItems: 10000,
      items: { $ref: '#/components/schemas/OpportunityInput', not: { required: ['owner_id'] } },
    });
    expect(opportunities.properties.upsertOn).toBeUndefined();
    // product_code is unique: its rows may also be upserts, which are changes with the key
    const [create, upsert] = doc.components.schemas.ProductBulkRequest.oneOf;
    expect(create.properties.records.items.$ref).toBe('#/components/schemas/ProductInput');
    expect(upsert.required).toEqual(['records', 'upsertOn']);
    expect(upsert.properties.upsertOn.enum).toEqual(['product_code']);
    expect(upsert.properties.records.items.$ref).toBe('#/components/schemas/ProductPatch');

    expect(doc.components.schemas.BulkResult.required).toEqual(['created', 'updated', 'failed', 'results']);
    const [written, refused] = doc.components.schemas.BulkRowResult.oneOf;
    expect(written.required).toEqual(['index', 'ok', 'id', 'created']);
    expect(refused.properties.errors.items).toEqual({ $ref: '#/components/schemas/FieldError' });
    expect(doc.components.schemas.FieldError.properties.index).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('describes bulk updates and deletes by id: a row per record, all or none, a result per row', () => {
    const update = doc.paths['/api/v1/records/opportunity/bulk'].patch;
    expect(update.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(update.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OpportunityBulkUpdateRequest',
    });
    expect(update.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BulkResult',
    });
    expect(Object.keys(update.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '422']);
    expect(update.responses['422'].description).toMatch(/notFound.*stale/);
    const rows = doc.components.schemas.OpportunityBulkUpdateRequest.properties.records;
    expect(rows).toMatchObject({
      minItems: 1,
      maxItems: 10000,
      items: { required: ['id'], additionalProperties: false },
    });
    // the changes of a single PATCH, owner_id included, plus id and version
    expect(Object.keys(rows.items.properties)).toEqual([
      'id',
      'version',
      ...Object.keys(doc.components.schemas.OpportunityPatch.properties),
    ]);
    expect(rows.items.properties.owner_id).toBeDefined();

    const remove = doc.paths['/api/v1/records/opportunity/bulk-delete'].post;
    expect(remove.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BulkDeleteRequest',
    });
    expect(remove.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BulkDeleteResult',
    });
    expect(remove.responses['422'].description).toContain('restrict');
    expect(doc.components.schemas.BulkDeleteRequest).toMatchObject({
      required: ['ids'],
      additionalProperties: false,
      properties: { ids: { maxItems: 10000 } },
    });
  });

  it('lists with counts and the recycle bin, and restores and purges from it', () => {
    const list = doc.paths['/api/v1/records/opportunity'].get;
    const param = (name: string) => list.parameters.find((p: Doc) => p.name === name);
    expect(param('count').schema).toEqual({ enum: ['exact', 'estimated'] });
    expect(param('deleted').schema).toEqual({ enum: ['only'] });
    const page = doc.components.schemas.OpportunityList;
    expect(page.required).toEqual(['data', 'nextCursor']);
    expect(page.properties.count.type).toBe('integer');
    expect(page.properties.countType.enum).toEqual(['exact', 'estimated']);

    const restore = doc.paths['/api/v1/records/opportunity/{id}/restore'];
    expect(restore.parameters).toEqual([{ $ref: '#/components/parameters/RecordId' }]);
    expect(restore.post.responses['200'].headers.ETag).toBeDefined();
    expect(Object.keys(restore.post.responses).sort()).toEqual(['200', '401', '403', '404', '422']);
    const purge = doc.paths['/api/v1/records/opportunity/{id}/purge'].post;
    expect(Object.keys(purge.responses).sort()).toEqual(['204', '401', '403', '404', '409']);
  });

  it('takes lookup paths in sort and fields', () => {
    const list = doc.paths['/api/v1/records/opportunity'].get;
    const pattern = (name: string) => new RegExp(list.parameters.find((p: Doc) => p.name === name).schema.pattern);
    expect(pattern('sort').test('account.name,-primary_contact.created_at')).toBe(true);
    expect(pattern('sort').test('account.description')).toBe(false);
    expect(pattern('fields').test('name,account.name,account.industry')).toBe(true);
    expect(pattern('fields').test('account.created_at')).toBe(false);
    expect(pattern('fields').test('account.name.x')).toBe(false);
    expect(list.parameters.find((p: Doc) => p.name === 'filter').description).toContain('`account.<field>`');
    expect(doc.components.schemas.Filter.description).toContain('last_n_days:30');
  });

  it('describes aggregates per object', () => {
    const op = doc.paths['/api/v1/records/opportunity/aggregate'].get;
    const param = (name: string) => op.parameters.find((p: Doc) => p.name === name);
    expect(op.parameters.map((p: Doc) => p.name)).toEqual(['groupBy', 'metrics', 'currency', 'rateDate', 'filter']);
    expect(param('currency').schema).toEqual({ enum: ['corporate'] });
    expect(param('rateDate').schema).toEqual({ enum: ['close_date'] });
    expect(op.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/AggregateResult',
    });
    expect(op.responses['422']).toBeDefined(); // a missing exchange rate
    // no currency field on contact: nothing to convert
    const contact = doc.paths['/api/v1/records/contact/aggregate'].get;
    expect(contact.parameters.map((p: Doc) => p.name)).toEqual(['groupBy', 'metrics', 'filter']);
    expect(contact.responses['422']).toBeUndefined();
  });

  it('describes CSV export and import, and the import job', () => {
    const exported = doc.paths['/api/v1/records/account/export'].get;
    expect(exported.parameters.map((p: Doc) => p.name)).toEqual(['format', 'filter', 'sort', 'fields']);
    expect(Object.keys(exported.responses['200'].content)).toEqual(['text/csv']);
    expect(new RegExp(exported.parameters[3].schema.pattern).test('id,name,parent_account.name')).toBe(true);

    const imported = doc.paths['/api/v1/records/product/import'].post;
    expect(Object.keys(imported.requestBody.content)).toEqual(['text/csv']);
    expect(imported.parameters.map((p: Doc) => p.name)).toEqual(['mode', 'upsertOn', 'mapping']);
    expect(imported.parameters[1].schema.enum).toEqual(['product_code']);
    expect(imported.parameters[2].content['application/json'].schema.additionalProperties.enum).toEqual(
      expect.arrayContaining(['list_price', 'list_price__currency', null]),
    );
    expect(imported.responses['202'].headers.Location).toBeDefined();
    expect(imported.responses['202'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ImportJob',
    });
    expect(Object.keys(imported.responses).sort()).toEqual(['202', '400', '401', '403', '404', '413', '415']);
    // no unique field, no upsert
    expect(doc.paths['/api/v1/records/account/import'].post.parameters.map((p: Doc) => p.name)).toEqual([
      'mode',
      'mapping',
    ]);

    const job = doc.components.schemas.ImportJob;
    expect(job.properties.status.enum).toEqual(['queued', 'running', 'completed', 'failed']);
    expect(job.properties.errorReportUrl.type).toEqual(['string', 'null']);
    expect(Object.keys(doc.paths['/api/v1/imports/{id}/errors.csv'].get.responses['200'].content)).toEqual([
      'text/csv',
    ]);
    expect(doc.paths['/api/v1/imports/{id}'].get.responses['404']).toBeDefined();
  });

  it('describes search and currencies', () => {
    const search = doc.paths['/api/v1/search'].get;
    expect(search.parameters.find((p: Doc) => p.name === 'q')).toMatchObject({
      required: true,
      schema: { minLength: 2, maxLength: 100 },
    });
    expect(
      new RegExp(search.parameters.find((p: Doc) => p.name === 'objects').schema.pattern).test('account,support_case'),
    ).toBe(true);
    const group = doc.components.schemas.SearchResults.properties.data.items;
    expect(group.required).toEqual(['object', 'records']);
    expect(group.properties.records.items.required).toEqual(['id', 'name', 'score']);

    expect(doc.paths['/api/v1/currencies'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CurrencySettings',
    });
    expect(doc.paths['/api/v1/currencies/corporate'].put.responses['409']).toBeDefined();
    const rates = doc.paths['/api/v1/currencies/rates'].post;
    expect(rates.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ExchangeRate' });
    expect(rates.responses['201']).toBeDefined();
    expect(doc.components.schemas.ExchangeRate.required).toEqual(['currency', 'startDate', 'rate']);
  });
});

/** Field types and settings the core pack does not have: formulas, rollups, unique fields, times, json. */
const gadget: ObjectDef = {
  id: 'x.gadget',
  apiName: 'gadget',
  label: 'Gadget',
  pluralLabel: 'Gadgets',
  nameField: 'name',
  fields: [
    {
      id: 'x.gadget.name',
      apiName: 'name',
      type: 'text',
      label: 'Name',
      required: true,
      helpText: { en: 'What it is called', 'zh-CN': '名称' },
    },
    {
      id: 'x.gadget.tags',
      apiName: 'tags',
      type: 'multipicklist',
      label: 'Tags',
      values: [{ value: 'red' }, { value: 'blue' }],
    },
    { id: 'x.gadget.spec', apiName: 'spec', type: 'json', label: 'Spec' },
    { id: 'x.gadget.where', apiName: 'where_at', type: 'geolocation', label: 'Where' },
    { id: 'x.gadget.notes', apiName: 'notes', type: 'richtext', label: 'Notes' },
    { id: 'x.gadget.code', apiName: 'code', type: 'text', label: 'Code', unique: true },
    { id: 'x.gadget.serial', apiName: 'serial', type: 'integer', label: 'Serial', unique: true },
    { id: 'x.gadget.price', apiName: 'price', type: 'currency', label: 'Price' },
    { id: 'x.gadget.qty', apiName: 'qty', type: 'integer', label: 'Quantity' },
    {
      id: 'x.gadget.score',
      apiName: 'score',
      type: 'formula',
      label: 'Score',
      returnType: 'number',
      expression: { '*': [{ var: 'qty' }, 2] },
    },
    { id: 'x.gadget.made', apiName: 'made', type: 'date', label: 'Made' },
    { id: 'x.gadget.opens', apiName: 'opens', type: 'time', label: 'Opens' },
    {
      id: 'x.gadget.parts',
      apiName: 'part_count',
      type: 'rollup',
      label: 'Parts',
      child: 'part',
      relationField: 'gadget',
      aggregate: 'count',
    },
  ],
};
const part: ObjectDef = {
  id: 'x.part',
  apiName: 'part',
  label: 'Part',
  pluralLabel: 'Parts',
  nameField: 'name',
  fields: [
    { id: 'x.part.name', apiName: 'name', type: 'text', label: 'Name' },
    { id: 'x.part.gadget', apiName: 'gadget', type: 'masterDetail', label: 'Gadget', target: 'gadget', required: true },
    { id: 'x.part.weight', apiName: 'weight', type: 'number', label: 'Weight' },
  ],
};
const gadgets: MetadataSnapshot = { objects: [gadget, part], layouts: [], listViews: [] };

/** Throws where the server would first touch the database: a request that gets there passed its checks. */
const NO_SQL = new Error('reached SQL');
const noDatabase = (() => {
  throw NO_SQL;
}) as unknown as Knex;

/** Whether the server takes a request: true when it gets as far as SQL, false on its 400. */
async function serverTakes(request: () => unknown): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (e) {
    if (e === NO_SQL) return true;
    if (e instanceof Problem && e.status === 400) return false;
    throw e;
  }
}

/**
 * Every name a parameter could be given, right or wrong: fields, system fields, buckets and paths
 * through every lookup (and through fields that are not lookups).
 */
function candidates(
  compiled: CompiledMetadata,
  apiName: string,
): { paths: string[]; groups: string[]; metrics: string[] } {
  const object = compiled.objects.get(apiName)!;
  const own = ['id', 'deleted_at', ...SYSTEM_OUTPUT, ...object.fields.keys()];
  const paths = [
    ...own,
    ...[...object.fields.keys()].flatMap((name) => {
      const target = compiled.objects.get(object.fields.get(name)!.def.target ?? '');
      return [...SYSTEM_OUTPUT, ...(target?.fields.keys() ?? ['name'])].map((n) => `${name}.${n}`);
    }),
  ];
  return {
    paths,
    groups: [...own, ...own.flatMap((n) => [`${n}:month`, `${n}:decade`])],
    metrics: [
      'count',
      'count:id',
      'median:id',
      ...own.flatMap((n) => ['sum', 'avg', 'min', 'max'].map((fn) => `${fn}:${n}`)),
    ],
  };
}

describe('the parameter patterns take exactly what the server takes', () => {
  const metadata = [core, gadgets].map((snapshot) => ({ compiled: compile(1, snapshot), doc: build(snapshot) }));
  const cases = metadata.flatMap(({ compiled }) =>
    [...compiled.objects.keys()].map((name) => [name, compiled] as const),
  );

  it.each(cases)('%s', async (name, compiled) => {
    const doc = metadata.find((m) => m.compiled === compiled)!.doc;
    const object = compiled.objects.get(name)!;
    const records = new RecordsService(noDatabase, 'x', () => compiled, { corporate: 'USD' });
    const exporter = new CsvExporter(noDatabase, 'x', () => compiled);
    const resolver = new PathResolver(object, compiled.objects);
    const principal = {
      id: '00000000-0000-7000-8000-000000000000',
      email: 'a@b.test',
      name: 'A',
      isAdmin: true,
      role: null,
      permissionSets: [],
      groups: [],
      via: 'session' as const,
    };
    const admin = { userId: principal.id, locale: 'en', via: 'api' as const, access: new Access(principal, compiled) };
    const pattern = (op: Doc, param: string) =>
      new RegExp(op.parameters.find((p: Doc) => p.name === param).schema.pattern);
    const list = doc.paths[`/api/v1/records/${name}`].get;
    const exported = doc.paths[`/api/v1/records/${name}/export`].get;
    const aggregated = doc.paths[`/api/v1/records/${name}/aggregate`].get;
    const { paths, groups, metrics } = candidates(compiled, name);
    const checks: [string, RegExp, string[], (value: string) => unknown][] = [
      [
        'list sort',
        pattern(list, 'sort'),
        paths.flatMap((p) => [p, `-${p}`]),
        (v) => parseSort(object, v, (p) => resolver.resolve(p)),
      ],
      ['list fields', pattern(list, 'fields'), paths, (v) => records.list(name, { fields: v }, admin)],
      ['export fields', pattern(exported, 'fields'), paths, (v) => exporter.export(name, { fields: v }, admin.access)],
      ['groupBy', pattern(aggregated, 'groupBy'), groups, (v) => records.aggregate(name, { groupBy: v }, admin)],
      ['metrics', pattern(aggregated, 'metrics'), metrics, (v) => records.aggregate(name, { metrics: v }, admin)],
    ];
    for (const [what, documented, values, request] of checks) {
      for (const value of values)
        expect(documented.test(value), `${name} ${what}: ${value}`).toBe(await serverTakes(() => request(value)));
    }
  });
});

describe('the security endpoints document exactly what the server takes', () => {
  const doc = build();
  const compiled = compile(1, core);
  const principal = (isAdmin: boolean, permissionSets: string[] = []): Principal => ({
    id: '00000000-0000-7000-8000-000000000001',
    email: 'a@b.test',
    name: 'A',
    isAdmin,
    role: null,
    permissionSets,
    groups: [],
    via: 'session',
  });
  const admin = new Access(principal(true), compiled);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: 'https://tessera.test/openapi.json', components: { schemas: doc.components.schemas } });
  const documented = (schema: string) => {
    const validate = ajv.getSchema(`https://tessera.test/openapi.json#/components/schemas/${schema}`)!;
    return (value: unknown) => validate(value) as boolean;
  };
  /** A query parameter's integer schema, as a client would check a value before sending it. */
  const integerParam = (path: string, method: string, name: string) => {
    const { schema } = doc.paths[path][method].parameters.find((p: Doc) => p.name === name);
    return (value: string) =>
      /^-?\d+$/.test(value) &&
      (schema.minimum === undefined || Number(value) >= schema.minimum) &&
      (schema.maximum === undefined || Number(value) <= schema.maximum);
  };
  /** true when the server gets as far as SQL, false on its 400 or 422. */
  const takes = async (request: () => unknown) => {
    try {
      await request();
      return true;
    } catch (e) {
      if (e === NO_SQL) return true;
      if (e instanceof Problem && (e.status === 400 || e.status === 422)) return false;
      throw e;
    }
  };
  const noTransactions = Object.assign(
    () => {
      throw NO_SQL;
    },
    { transaction: () => Promise.reject(NO_SQL) },
  ) as unknown as Knex;
  const integers = ['0', '1', '2', '100', '366', '367', '500', '501', '-1', '1.5', 'abc', ''];

  it('users: limit, and the bodies of create and change', async () => {
    const users = new UsersService(noTransactions, 'x', () => compiled, {} as SetupAudit);
    const limit = integerParam('/api/v1/users', 'get', 'limit');
    for (const value of integers)
      expect(limit(value), `limit=${value}`).toBe(await takes(() => users.list(admin, { limit: value })));

    const valid = { email: 'ann@example.test', password: 'long enough!', name: 'Ann' };
    const bodies: Record<string, unknown>[] = [
      valid,
      { ...valid, email: ' Ann@Example.test ' },
      { ...valid, email: 'a@b' },
      { ...valid, email: 'ann' },
      { ...valid, email: 'a b@c.d' },
      { ...valid, email: 'a@b@c' },
      { ...valid, password: 'x'.repeat(9) },
      { ...valid, password: 'x'.repeat(10) },
      { ...valid, password: 'x'.repeat(200) },
      { ...valid, password: 'x'.repeat(201) },
      { ...valid, name: '' },
      { ...valid, name: '   ' },
      { ...valid, name: 'n'.repeat(200) },
      { ...valid, name: 'n'.repeat(201) },
      { ...valid, role: null },
      { ...valid, role: 'sales_rep' },
      { ...valid, role: 'emperor' },
      { ...valid, role: 7 },
      { ...valid, permissionSets: ['sales_user', 'api_user'] },
      { ...valid, permissionSets: ['nope'] },
      { ...valid, permissionSets: 'sales_user' },
      { ...valid, permissionSets: [] },
      { ...valid, groups: ['support_team'] },
      { ...valid, groups: ['staff'] },
      { ...valid, active: false },
      { ...valid, active: 'no' },
      { ...valid, isAdmin: true },
      { ...valid, isAdmin: 1 },
      { ...valid, password_hash: 'x' },
      { ...valid, currentPassword: 'old password' },
      { email: 'ann@example.test', password: 'long enough!' },
      {},
    ];
    // the document names no roles, groups or permission sets (it is public): those must also be published
    const published = (body: Record<string, unknown>) => {
      const known = (names: { apiName: string }[] | undefined, value: unknown) =>
        (Array.isArray(value) ? value : [value]).every(
          (v) => v === null || v === undefined || names!.some((n) => n.apiName === v),
        );
      return (
        known(core.roles, body.role) &&
        known(core.permissionSets, body.permissionSets) &&
        known(core.groups, body.groups)
      );
    };
    const newUser = (body: Record<string, unknown>) => documented('NewUser')(body) && published(body);
    for (const body of bodies)
      expect(newUser(body), `create ${JSON.stringify(body)}`).toBe(await takes(() => users.create(body, admin)));
    const changes = (body: Record<string, unknown>) => documented('UserChanges')(body) && published(body);
    const someoneElse = '00000000-0000-7000-8000-000000000002';
    for (const body of [
      ...bodies.map(({ email: _e, password: _p, name: _n, ...rest }) => rest),
      { currentPassword: 'old password', password: 'new password!' },
      { email: 'b@c.d' },
    ]) {
      expect(changes(body), `change ${JSON.stringify(body)}`).toBe(
        await takes(() => users.update(someoneElse, body, admin)),
      );
    }
  });

  it('setup audit: limit and before', async () => {
    const audit = { list: () => Promise.reject(NO_SQL) } as unknown as SetupAudit;
    const router = setupAuditRouter(audit);
    const ask = (query: Record<string, string>) =>
      new Promise<unknown>((resolve) => {
        const req = {
          method: 'GET',
          url: '/',
          query,
          signedIn: { user: admin.principal, access: admin, viaCookie: false },
        } as unknown as Request;
        router(req, {} as Response, (e?: unknown) => resolve(e));
      });
    const outcome = async (query: Record<string, string>) => {
      const e = await ask(query);
      if (e === NO_SQL) return true;
      if (e instanceof Problem && e.status === 400) return false;
      throw e;
    };
    const limit = integerParam('/api/v1/setup-audit', 'get', 'limit');
    const before = integerParam('/api/v1/setup-audit', 'get', 'before');
    for (const value of integers.filter((v) => v !== '')) {
      expect(limit(value), `limit=${value}`).toBe(await outcome({ limit: value }));
      expect(before(value), `before=${value}`).toBe(await outcome({ before: value }));
    }
  });

  it('API tokens: name and days', async () => {
    const auth = new AuthService(noDatabase, 'x', 1, '', { current: '1', saw: () => Promise.resolve() });
    const token = documented('NewApiToken');
    const bodies = [
      { name: 'ERP sync' },
      { name: '' },
      { name: '  ' },
      { name: ' x ' },
      { name: 'n'.repeat(100) },
      { name: 'n'.repeat(101) },
      { name: 7 },
      {},
      ...[0, 1, 90, 366, 367, 1.5, -1, '30', null].map((days) => ({ name: 'ERP sync', days })),
    ];
    for (const body of bodies)
      expect(token(body), JSON.stringify(body)).toBe(await takes(() => auth.createToken(principal(true).id, body)));
  });

  it('tenants: the login tenant, and the new tenant body', async () => {
    const registry = new TenantRegistry(noDatabase, {
      defaultSchema: 'x',
      sessionHours: 1,
      installCore: false,
      admin: { email: 'a@b.test' },
      logger: pino({ level: 'silent' }),
    });
    const login = documented('LoginRequest');
    const names = [
      '',
      'acme',
      'ab',
      'a',
      'a1_b',
      'A1',
      '1ab',
      'a-b',
      'a'.repeat(30),
      'a'.repeat(31),
      'pg_x',
      'a__b',
      'acme.x',
    ];
    // a login whose tenant the registry does not know is answered 401 before any SQL
    for (const tenant of names.filter((n) => n !== '')) {
      const looksUp = await registry.find(tenant).then(
        (t) => t !== undefined,
        (e) => {
          if (e === NO_SQL) return true;
          throw e;
        },
      );
      expect(login({ email: 'a@b.test', password: 'x', tenant }), tenant).toBe(looksUp);
    }
    expect(login({ email: 'a@b.test', password: 'x', tenant: '' })).toBe(true);

    const tenant = documented('NewTenant');
    const valid = { name: 'acme', adminEmail: 'boss@acme.test' };
    const bodies = [
      ...names
        .filter((n) => checkApiName(n)?.code !== 'reserved' || n.startsWith('pg_') || n.includes('__'))
        .map((name) => ({ ...valid, name })),
      { ...valid, name: 'default' },
      { ...valid, adminEmail: 'nope' },
      { ...valid, adminEmail: ' boss@acme.test' },
      { name: 'acme' },
      { ...valid, adminPassword: 'x'.repeat(9) },
      { ...valid, adminPassword: 'x'.repeat(10) },
      { ...valid, adminPassword: 12345678901 },
    ];
    for (const body of bodies)
      expect(tenant(body), JSON.stringify(body)).toBe(await takes(() => registry.create(body)));
  });

  it('metadata: each kind needs the system permission the document names', async () => {
    const guard = metaGuard(() => compiled, {} as SetupAudit);
    const nobody = new Access(principal(false), compiled);
    for (const [kind, { permission }] of Object.entries(KIND_DOCS)) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const req = {
          method,
          path: `/${kindPath(kind as keyof typeof KIND_DOCS)}/x`,
          body: {},
          signedIn: { user: nobody.principal, access: nobody, viaCookie: false },
        } as unknown as Request;
        let refused: unknown;
        try {
          await guard(req, {} as Response, () => undefined);
        } catch (e) {
          refused = e;
        }
        expect(refused, `${method} ${kind}`).toBeInstanceOf(Problem);
        expect((refused as Problem).errors[0], `${method} ${kind}`).toMatchObject({
          field: permission,
          code: 'systemPermission',
        });
      }
    }
  });
});

describe('buildOpenApi on other metadata', () => {
  // a_1 and a1 would share the schema stem A1
  const clash = (apiName: string): ObjectDef => ({
    id: `x.${apiName}`,
    apiName,
    label: 'Same',
    pluralLabel: 'Same',
    nameField: 'name',
    fields: [{ id: `x.${apiName}.name`, apiName: 'name', type: 'text', label: 'Name' }],
  });

  it('stays valid with every kind of value schema and with clashing names', async () => {
    const doc = build({ objects: [gadget, part, clash('a_1'), clash('a1')], layouts: [], listViews: [] }, 7);
    await expectValid(doc);
    expect(doc.info.version).toBe('7');
    expect(doc.components.schemas.GadgetRecord.properties.name.description).toBe('What it is called');
    expect(doc.components.schemas.GadgetInput.required).toEqual(['name']);
    expect(doc.components.schemas.GadgetInput.properties.name.type).toBe('string');
    expect(valueBranch(doc.components.schemas.GadgetRecord.properties.tags).items.enum).toEqual(['red', 'blue']);
    expect(doc.components.schemas.A1Record).toBeDefined();
    expect(doc.components.schemas.a_1Record).toBeDefined(); // a1 sorts first and keeps A1
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = (doc.tags as Doc[]).map((t) => t.name);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('reads formulas, rollups and currency codes, and takes none of them in writes', async () => {
    const doc = build(gadgets);
    await expectValid(doc);
    const { GadgetRecord: record, GadgetInput: input, GadgetPatch: patch } = doc.components.schemas;
    for (const computed of ['score', 'part_count']) {
      expect(record.properties[computed].readOnly, computed).toBe(true);
      expect(input.properties[computed], computed).toBeUndefined();
      expect(patch.properties[computed], computed).toBeUndefined();
    }
    expect(record.properties.score.type).toEqual(['number', 'null']);
    expect(record.properties.price.type).toEqual(['number', 'null']);
    expect(record.properties.price__currency.readOnly).toBe(true);
    expect(input.properties.price__currency).toBeUndefined();
    // a formula takes the operators of what it returns: a number has no contains
    const filter = doc.paths['/api/v1/records/gadget'].get.parameters.find((p: Doc) => p.name === 'filter');
    expect(filter.description).toContain('`score` (eq, ne, gt, gte, lt, lte, in, nin, between, isNull)');
    // a master-detail parent expands like a lookup's
    expect(doc.components.schemas.PartRecord.properties.gadget.anyOf).toContainEqual({
      $ref: '#/components/schemas/GadgetExpanded',
    });
    expect(doc.components.schemas.PartExpanded).toBeUndefined(); // nothing points at parts
    // both unique fields can key an upsert
    expect(doc.components.schemas.GadgetBulkRequest.oneOf[1].properties.upsertOn.enum).toEqual(['code', 'serial']);
    const aggregated = doc.paths['/api/v1/records/gadget/aggregate'].get;
    expect(aggregated.parameters.find((p: Doc) => p.name === 'rateDate').schema.enum).toEqual(['made']);
  });

  it('gives a formula default no schema default, and a literal one its value', () => {
    const withDefaults: ObjectDef = {
      ...gadget,
      fields: [
        ...gadget.fields.filter((f) => f.apiName !== 'part_count'),
        {
          id: 'x.gadget.label',
          apiName: 'shelf_label',
          type: 'text',
          label: 'Label',
          default: { formula: { cat: ['#', { var: 'name' }] } },
        },
        { id: 'x.gadget.colour', apiName: 'colour', type: 'text', label: 'Colour', default: 'grey' },
      ],
    };
    const input = build({ objects: [withDefaults], layouts: [], listViews: [] }).components.schemas.GadgetInput;
    expect(input.properties.shelf_label.default).toBeUndefined();
    expect(input.properties.colour.default).toBe('grey');
  });

  it('is valid with no objects at all (before the core pack is installed)', async () => {
    const doc = build({ objects: [], layouts: [], listViews: [] }, 0);
    await expectValid(doc);
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1/records/'))).toBe(false);
  });

  it('leaves servers out when no server URL is given', () => {
    expect(buildOpenApi(compile(1, core), {}).servers).toBeUndefined();
  });
});
