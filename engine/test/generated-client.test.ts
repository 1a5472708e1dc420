import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST, PROBLEM_KIND_LIST, problemType } from '../src/errors.js';
import { typecheckClient } from './support/client-typecheck.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * A client generated from the live document (openapi-typescript, openapi-fetch) types the problem
 * types, the error codes and the headers without a cast: the TypeScript compiler accepts it with
 * strict options and refuses a wrong header or an unknown code. Then the same client talks to the
 * engine over HTTP. X-Request-Id is checked as a type only: its value comes with request logging.
 */

// Inside node_modules, so the generated files resolve openapi-fetch as any module of the repo does.
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));

const union = (values: readonly string[]) => values.map((v) => `'${v}'`).join(' | ');

const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

export type ProblemType = components['schemas']['Problem']['type'];
export type ErrorCode = components['schemas']['FieldError']['code'];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// The unions are exactly the engine's lists.
export const problemTypes: Equal<ProblemType, ${union(PROBLEM_KIND_LIST.map(problemType))}> = true;
export const errorCodes: Equal<ErrorCode, ${union(ERROR_CODE_LIST)}> = true;

// openapi-fetch hands back response.headers untyped: the generated paths say what each answer carries.
type Record200 = paths['/api/v1/records/account/{id}']['get']['responses'][200]['headers'];
export type Updated = paths['/api/v1/records/account/{id}']['patch']['responses'][200]['headers'];
type Created = paths['/api/v1/records/account']['post']['responses'][201]['headers'];
type Restored = paths['/api/v1/records/account/{id}/restore']['post']['responses'][200]['headers'];
type Runtime = paths['/api/v1/meta/runtime']['get']['responses'][200]['headers'];
type Bulk = paths['/api/v1/records/account/bulk']['post']['responses'][200]['headers'];
type Stale = paths['/api/v1/records/account/{id}']['patch']['responses'][412]['headers'];
export const etag: Updated['ETag'] = '"2"';
export const headers: [
  Equal<Record200['ETag'], string>,
  Equal<Updated['ETag'], string>,
  Equal<Created['ETag'], string>,
  Equal<Restored['ETag'], string>,
  Equal<Runtime['ETag'], string>,
  Equal<Bulk['Idempotent-Replayed'], 'true'>,
  Equal<Updated['X-Request-Id'], string>,
  Equal<Bulk['X-Request-Id'], string>,
  Equal<Stale['X-Request-Id'], string>,
] = [true, true, true, true, true, true, true, true, true];

export function tessera(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${token}\` } });
}
export type Client = ReturnType<typeof tessera>;

export async function rename(api: Client, id: string, name: string, ifMatch: string) {
  const { data, error, response } = await api.PATCH('/api/v1/records/account/{id}', {
    params: { path: { id }, header: { 'If-Match': ifMatch } },
    body: { name },
  });
  if (error) {
    const type: ProblemType = error.type;
    const code: ErrorCode | undefined = error.errors[0]?.code;
    if (error.type === 'https://tessera.dev/problems/stale-version') return { stale: true, type, code, status: response.status };
    return { stale: false, type, code, status: response.status };
  }
  return { name: data.name, version: data.version, etag: response.headers.get('ETag') };
}

export async function createAccounts(api: Client, key: string, names: string[]) {
  const { data, error, response } = await api.POST('/api/v1/records/account/bulk', {
    params: { header: { 'Idempotency-Key': key } },
    body: { records: names.map((name) => ({ name })) },
  });
  if (error) {
    const code: ErrorCode | undefined = error.errors[0]?.code;
    return { status: response.status, type: error.type, code };
  }
  return {
    status: response.status,
    replayed: response.headers.get('Idempotent-Replayed'),
    ids: data.results.map((row) => (row.ok ? row.id : null)),
  };
}
`;

/** Each must not compile, for the reason the text names. */
const REFUSED: Record<string, { code: string; says: string }> = {
  'wrong-header': {
    code: `import type { Client } from './client.js';
export const f = (api: Client) =>
  api.PATCH('/api/v1/records/account/{id}', { params: { path: { id: 'x' }, header: { 'If-Matches': '"1"' } }, body: {} });`,
    says: 'If-Matches',
  },
  'header-not-taken': {
    code: `import type { Client } from './client.js';
export const f = (api: Client) =>
  api.PATCH('/api/v1/records/account/{id}', { params: { path: { id: 'x' }, header: { 'Idempotency-Key': 'k' } }, body: {} });`,
    says: 'Idempotency-Key',
  },
  'unknown-code': {
    code: `import type { ErrorCode } from './client.js';
export const code: ErrorCode = 'notACode';`,
    says: 'notACode',
  },
  'old-problem-type': {
    code: `import type { ProblemType } from './client.js';
export const type: ProblemType = 'https://tessera.dev/problems/412';`,
    says: 'problems/412',
  },
  'etag-not-a-number': {
    code: `import type { Updated } from './client.js';
export const etag: Updated['ETag'] = 2;`,
    says: 'number',
  },
};

let t: TestEngine;
let dir: string;
let diagnostics: Record<string, string[]>;

beforeAll(async () => {
  t = await startTestEngine();
  fs.mkdirSync(CACHE, { recursive: true });
  dir = fs.mkdtempSync(path.join(CACHE, 'tessera-client-'));
  fs.writeFileSync(path.join(dir, 'client.ts'), CLIENT);
  for (const [name, { code }] of Object.entries(REFUSED)) fs.writeFileSync(path.join(dir, `${name}.ts`), code);
  const js = ts.transpileModule(CLIENT, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  fs.writeFileSync(path.join(dir, 'client.mjs'), js.outputText);
  const doc = await (await fetch(`${t.url}/api/v1/openapi.json`)).json();
  diagnostics = await typecheckClient(doc, dir, ['client', ...Object.keys(REFUSED)]);
});
afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a client generated from the OpenAPI document', () => {
  it('compiles under strict options without a cast', () => {
    expect(diagnostics.api).toEqual([]);
    expect(diagnostics.client).toEqual([]);
    expect(CLIENT).not.toMatch(/\bas\b|<any>|: any\b|@ts-/);
  });

  it('refuses a wrong header, a header the operation does not take, an unknown code or problem type', () => {
    for (const [name, { says }] of Object.entries(REFUSED)) {
      const errors = diagnostics[name] ?? [];
      expect(errors.length, name).toBeGreaterThan(0);
      expect(errors.join('\n'), name).toContain(says);
    }
  });

  it('sends If-Match and reads the stale-version problem when someone saved in between', async () => {
    const created = await t.api('POST', '/api/v1/records/account', { name: 'Initech' });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const client = await import(pathToFileURL(path.join(dir, 'client.mjs')).href);
    const api = client.tessera(t.url, t.token);

    expect(await client.rename(api, created.body.id, 'Initrode', '"1"')).toEqual({
      name: 'Initrode',
      version: 2,
      etag: '"2"',
    });
    expect(await client.rename(api, created.body.id, 'Intertrode', '"1"')).toEqual({
      stale: true,
      type: 'https://tessera.dev/problems/stale-version',
      code: 'stale',
      status: 412,
    });
    const now = await t.api('GET', `/api/v1/records/account/${created.body.id}`);
    expect(now.body).toMatchObject({ name: 'Initrode', version: 2 });
  });

  it('sends Idempotency-Key on bulk: a retry is answered again, another body under the key is refused', async () => {
    const client = await import(pathToFileURL(path.join(dir, 'client.mjs')).href);
    const api = client.tessera(t.url, t.token);
    const count = async () =>
      (
        await t.sql('select count(*)::int as n from ?? where name in (?, ?)', [
          `${t.schema}.account`,
          'Hooli',
          'Pied Piper',
        ])
      )[0].n;

    const first = await client.createAccounts(api, 'retry-1', ['Hooli', 'Pied Piper']);
    expect(first).toMatchObject({ status: 200, replayed: null });
    expect(first.ids).toHaveLength(2);
    const again = await client.createAccounts(api, 'retry-1', ['Hooli', 'Pied Piper']);
    expect(again).toEqual({ status: 200, replayed: 'true', ids: first.ids });
    expect(await count()).toBe(2);

    expect(await client.createAccounts(api, 'retry-1', ['Hooli'])).toEqual({
      status: 422,
      type: 'https://tessera.dev/problems/idempotency-key-reused',
      code: 'reused',
    });
    expect(await count()).toBe(2);
  });
});
