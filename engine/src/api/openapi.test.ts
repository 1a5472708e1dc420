import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { compile } from '../metadata/compile.js';
import type { MetadataSnapshot, ObjectDef } from '../metadata/types.js';
import { CORE_PACK_DIR, readPack } from '../packs/core-pack.js';
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
    Object.entries(item as Doc).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({ path, method, op })));
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
      expect(Object.keys(doc.paths[`/api/v1/records/${name}/{id}`]).filter((k) => METHODS.includes(k)).sort()).toEqual(['delete', 'get', 'patch']);
    }
    expect(doc.components.schemas.SupportCaseRecord).toBeDefined();
    expect(doc.components.schemas.SupportCaseInput).toBeDefined();
    expect(doc.components.schemas.SupportCaseList.properties.nextCursor.type).toEqual(['string', 'null']);
  });

  it('has the fixed endpoints', () => {
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'], ['/api/v1/meta/objects', 'get'], ['/api/v1/meta/objects', 'post'],
      ['/api/v1/meta/objects/{apiName}', 'get'], ['/api/v1/meta/objects/{apiName}', 'put'], ['/api/v1/meta/objects/{apiName}', 'delete'],
      ['/api/v1/meta/publish', 'post'], ['/api/v1/meta/releases', 'get'], ['/api/v1/meta/releases/{n}/rollback', 'post'], ['/health', 'get'],
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

  it('needs a bearer token everywhere but login, health and the document itself, and says so with 401', () => {
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const open = operations(doc).filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => o.op.operationId).sort();
    expect(open).toEqual(['getOpenApi', 'health', 'login']);
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
    expect(Object.keys(update.responses).sort()).toEqual(['200', '400', '401', '404', '412', '422']);
    expect(doc.components.schemas.Problem.properties.errors.items).toEqual({ $ref: '#/components/schemas/FieldError' });
    expect(Object.keys(doc.components.schemas.FieldError.properties)).toEqual(expect.arrayContaining(['field', 'code', 'message', 'rule']));
  });

  it('types opportunity fields from their field types', () => {
    const record = doc.components.schemas.OpportunityRecord;
    const stage = valueBranch(record.properties.stage);
    expect(stage.enum).toEqual(['prospecting', 'qualification', 'needs_analysis', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
    expect(record.properties.stage.anyOf).toContainEqual({ type: 'null' });
    expect(record.properties.amount.type).toEqual(['number', 'null']);
    expect(record.properties.amount.title).toBe('Amount');
    expect(record.properties.account).toMatchObject({ type: ['string', 'null'], format: 'uuid' });
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
      { anyOf: [expect.objectContaining({ type: 'number' }), expect.objectContaining({ type: 'object', required: ['amount'] })] },
      { type: 'null' },
    ]);
    expect(input.properties.id).toBeUndefined();
    expect(input.properties.version).toBeUndefined();

    const patch = doc.components.schemas.OpportunityPatch;
    expect(patch.required).toBeUndefined();
    expect(Object.keys(patch.properties)).toEqual(Object.keys(input.properties));

    // support_case's case number is an autonumber: readable, never writable
    const caseNumber = [...core.objects.find((o) => o.apiName === 'support_case')!.fields].find((f) => f.type === 'autonumber')!.apiName;
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
    expect(Object.keys(doc.components.schemas.FilterCondition.anyOf[0].properties)).toEqual(
      ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull', 'between']);
  });

  it('answers ETag on reads and takes If-Match on updates', () => {
    const item = doc.paths['/api/v1/records/account/{id}'];
    expect(item.get.responses['200'].headers.ETag).toBeDefined();
    expect(item.patch.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    expect(doc.components.parameters.IfMatch).toMatchObject({ in: 'header', name: 'If-Match', required: false });
    expect(item.delete.responses['204']).toBeDefined();
  });
});

describe('buildOpenApi on other metadata', () => {
  const gadget: ObjectDef = {
    id: 'x.gadget', apiName: 'gadget', label: 'Gadget', pluralLabel: 'Gadgets', nameField: 'name',
    fields: [
      { id: 'x.gadget.name', apiName: 'name', type: 'text', label: 'Name', required: true, helpText: { en: 'What it is called', 'zh-CN': '名称' } },
      { id: 'x.gadget.tags', apiName: 'tags', type: 'multipicklist', label: 'Tags', values: [{ value: 'red' }, { value: 'blue' }] },
      { id: 'x.gadget.spec', apiName: 'spec', type: 'json', label: 'Spec' },
      { id: 'x.gadget.where', apiName: 'where_at', type: 'geolocation', label: 'Where' },
      { id: 'x.gadget.notes', apiName: 'notes', type: 'richtext', label: 'Notes' },
    ],
  };
  // a_1 and a1 would share the schema stem A1
  const clash = (apiName: string): ObjectDef => ({
    id: `x.${apiName}`, apiName, label: 'Same', pluralLabel: 'Same', nameField: 'name',
    fields: [{ id: `x.${apiName}.name`, apiName: 'name', type: 'text', label: 'Name' }],
  });

  it('stays valid with every kind of value schema and with clashing names', async () => {
    const doc = build({ objects: [gadget, clash('a_1'), clash('a1')], layouts: [], listViews: [] }, 7);
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

  it('is valid with no objects at all (before the core pack is installed)', async () => {
    const doc = build({ objects: [], layouts: [], listViews: [] }, 0);
    await expectValid(doc);
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1/records/'))).toBe(false);
  });

  it('leaves servers out when no server URL is given', () => {
    expect(buildOpenApi(compile(1, core), {}).servers).toBeUndefined();
  });
});
