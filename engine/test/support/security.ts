import crypto from 'node:crypto';
import { expect } from 'vitest';
import { request, type ApiResponse, type TestEngine } from './test-engine.js';

/**
 * Users with chosen grants for the security suites: publish roles, groups, permission sets and
 * objects as the admin, create users through the users API and sign them in. Each user gets a
 * bearer `api` bound to their own token (the `api_user` set is added so bearer requests pass).
 */

export type Api = <T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse<T>>;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  api: Api;
}

export interface UserSpec {
  name?: string;
  role?: string | null;
  permissionSets?: string[];
  groups?: string[];
  isAdmin?: boolean;
  /** Leave out the core api_user set (bearer requests then need apiAccess from elsewhere). */
  noApiAccess?: boolean;
}

export const PASSWORD = 'a long test password';

/** A plain request with no credentials of its own (login, probes with hand-made headers). */
export function bare(t: TestEngine): Api {
  return (method, path, body, headers = {}) => request(t.url, method, path, body, headers);
}

/** An api that signs every request with this bearer token. */
export function withToken(t: TestEngine, token: string): Api {
  const send = bare(t);
  return (method, path, body, headers = {}) =>
    send(method, path, body, { authorization: `Bearer ${token}`, ...headers });
}

export async function login(t: TestEngine, email: string, password = PASSWORD): Promise<ApiResponse> {
  return bare(t)('POST', '/api/v1/auth/login', { email, password });
}

/** Creates a user as the admin (or `by`) and signs them in. */
export async function createUser(t: TestEngine, spec: UserSpec = {}, by: Api = t.api): Promise<TestUser> {
  const email = `${(spec.name ?? 'user').toLowerCase().replace(/[^a-z0-9]/g, '')}-${crypto.randomBytes(4).toString('hex')}@example.test`;
  const permissionSets = [...(spec.permissionSets ?? []), ...(spec.noApiAccess ? [] : ['api_user'])];
  const res = await by('POST', '/api/v1/users', {
    email,
    password: PASSWORD,
    name: spec.name ?? email,
    permissionSets,
    ...(spec.role !== undefined ? { role: spec.role } : {}),
    ...(spec.groups ? { groups: spec.groups } : {}),
    ...(spec.isAdmin ? { isAdmin: true } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const signedIn = await login(t, email);
  expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
  const token = signedIn.body.token as string;
  return { id: res.body.id, email, password: PASSWORD, token, api: withToken(t, token) };
}

export interface SecurityMetadata {
  objects?: Record<string, unknown>[];
  roles?: Record<string, unknown>[];
  groups?: Record<string, unknown>[];
  permissionSets?: Record<string, unknown>[];
}

/**
 * Saves the items to the draft as the admin and publishes them. Security kinds first: objects' sharing rules name them.
 */
export async function publish(t: TestEngine, items: SecurityMetadata): Promise<void> {
  const kinds: [keyof SecurityMetadata, string][] = [
    ['roles', 'roles'],
    ['groups', 'groups'],
    ['objects', 'objects'],
    ['permissionSets', 'permission-sets'],
  ];
  for (const [key, path] of kinds) {
    for (const item of items[key] ?? []) {
      const name = item.apiName as string;
      const exists = await t.api('GET', `/api/v1/meta/${path}/${name}`);
      const res =
        exists.status === 200
          ? await t.api('PUT', `/api/v1/meta/${path}/${name}`, item)
          : await t.api('POST', `/api/v1/meta/${path}`, item);
      expect(res.status, `${path}/${name}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
  }
  const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
}

/** Checks a problem+json answer: status, media type, shape and, when given, each error's field and code. */
export function expectProblem(res: ApiResponse, status: number, errors?: { field: string; code: string }[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(Array.isArray(res.body.errors)).toBe(true);
  if (errors)
    expect(res.body.errors.map((e: { field: string; code: string }) => ({ field: e.field, code: e.code }))).toEqual(
      errors,
    );
}

/**
 * Nothing in an answer may come from the database or the runtime: Postgres error texts, stack
 * traces, the tenant's schema or the system tables. (The caller's own input may be echoed.)
 */
export function expectNoLeak(res: ApiResponse, schema?: string) {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  expect(text).not.toMatch(
    /syntax error at|relation "|column "[^"]*" (does not exist|of relation)|violates .* constraint|invalid input syntax|operator does not exist|current transaction is aborted|unterminated|bind message/i,
  );
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|Error: /);
  expect(text).not.toMatch(/_field_history|_record_shares|_group_members|_sessions|password_hash|knex/);
  if (schema) expect(text).not.toContain(`${schema}.`);
}

/** A fingerprint of what is stored: a table's rows as JSON text, sorted, to compare before and after. */
export async function snapshot(t: TestEngine, table: string): Promise<string> {
  const rows = await t.sql<{ j: string }>(
    `select coalesce(json_agg(x order by x::text)::text, '[]') as j from (select * from ??.??) x`,
    [t.schema, table],
  );
  return rows[0]!.j;
}

/** Polls until `check` returns a value (not undefined); no fixed sleeps. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An import job polled until it is completed or failed. */
export async function importDone(api: Api, location: string) {
  return waitFor(async () => {
    const job = await api('GET', location);
    return job.body?.status === 'completed' || job.body?.status === 'failed' ? job.body : undefined;
  }, `import ${location}`);
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Two answers to requests that differ only in one name (one that exists, one that does not) are
 * the same once each name is replaced by a placeholder: status, media type and the whole body.
 * Ids of records the requests wrote are replaced too. Answers the first answer, for more checks.
 */
export function expectAlike(a: ApiResponse, b: ApiResponse, [nameA, nameB]: readonly [string, string]): ApiResponse {
  const seen = (res: ApiResponse, name: string) => ({
    status: res.status,
    type: res.headers.get('content-type'),
    body: (typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null))
      .replaceAll(name, '<name>')
      .replace(UUIDS, '<id>'),
  });
  expect(seen(a, nameA), `${nameA} vs ${nameB}`).toEqual(seen(b, nameB));
  return a;
}

/** Sends the request built for each of two names, one after the other, and expects the answers alike. */
export async function probeAlike(
  api: Api,
  names: readonly [string, string],
  build: (name: string) => [method: string, path: string, body?: unknown, headers?: Record<string, string>],
): Promise<ApiResponse> {
  const first = await api(...build(names[0]));
  const second = await api(...build(names[1]));
  return expectAlike(first, second, names);
}
