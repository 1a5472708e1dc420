import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { laneRoute } from '../src/api/fast-lane.js';
import { request, startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * The hot routes answer on Node's own objects (api/fast-lane.ts) when a request has their plain
 * form, and on express's routes otherwise. Which lane answers must not show: every request below
 * is sent once in the plain form and once with "Records" capitalised — a path express matches
 * (its routes ignore case) and the lane leaves to it — and both answers must be alike, headers
 * included.
 */

const ORIGIN = 'https://crm.example.test';
const ID = '0190a0c4-7c4e-7a5e-9b6a-000000000001';
let t: TestEngine;
let accountId: string;

beforeAll(async () => {
  t = await startTestEngine({ corsOrigins: [ORIGIN] });
  const created = await t.api('POST', '/api/v1/records/account', { name: 'Lane Ltd' });
  accountId = created.body.id;
});
afterAll(() => t?.close());

/** Headers that differ between any two answers: the clock, the connection and the request id. */
const PER_ANSWER = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);
const headersOf = (res: ApiResponse, except: string[] = []) =>
  Object.fromEntries([...res.headers].filter(([name]) => !PER_ANSWER.has(name) && !except.includes(name)));

const express = (path: string) => path.replace('/api/v1/records/', '/api/v1/Records/');

async function both(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const lane = await t.api(method, path, body, headers);
  const other = await t.api(method, express(path), body, headers);
  return { lane, other };
}

describe('the fast lane answers as express does', () => {
  it('takes only the plain form of the five hot routes', () => {
    const route = (method: string, url: string, headers: Record<string, string> = {}) =>
      laneRoute({ method, url, headers })?.handler;
    expect(route('GET', '/api/v1/records/account?limit=5')).toBe('list');
    expect(route('POST', '/api/v1/records/account')).toBe('create');
    expect(route('GET', `/api/v1/records/account/${ID}`)).toBe('get');
    expect(route('PATCH', `/api/v1/records/account/${ID}`)).toBe('update');
    expect(route('DELETE', `/api/v1/records/account/${ID}`)).toBe('remove');
    // Everything else is express's: other cases, a trailing slash, an escaped name, other words
    // than a UUID after the object, other methods, and a conditional GET (express answers 304).
    expect(route('GET', express('/api/v1/records/account'))).toBeUndefined();
    expect(route('GET', '/api/v1/records/account/')).toBeUndefined();
    expect(route('GET', '/api/v1/records/acc%6Funt')).toBeUndefined();
    expect(route('GET', '/api/v1/records/account/aggregate')).toBeUndefined();
    expect(route('POST', `/api/v1/records/account/${ID}/restore`)).toBeUndefined();
    expect(route('HEAD', `/api/v1/records/account/${ID}`)).toBeUndefined();
    expect(route('PUT', `/api/v1/records/account/${ID}`)).toBeUndefined();
    expect(route('DELETE', '/api/v1/records/account')).toBeUndefined();
    expect(route('GET', `/api/v1/records/account/${ID}`, { 'if-none-match': '"1"' })).toBeUndefined();
    expect(route('GET', '/api/v1/recordsx/account')).toBeUndefined();
  });

  it('reads a record and a list page alike, ETags and CORS headers included', async () => {
    const cors = { origin: ORIGIN };
    const get = await both('GET', `/api/v1/records/account/${accountId}`, undefined, cors);
    expect(get.lane.status).toBe(200);
    expect(get.lane.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(get.lane.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headersOf(get.lane)).toEqual(headersOf(get.other));
    expect(get.lane.body).toEqual(get.other.body);

    const filter = encodeURIComponent(JSON.stringify({ name: { eq: 'Lane Ltd' } }));
    const list = await both('GET', `/api/v1/records/account?filter=${filter}&sort=-name&limit=1&count=exact`);
    expect(list.lane.status).toBe(200);
    expect(list.lane.headers.get('etag')).toMatch(/^W\/"/);
    expect(headersOf(list.lane)).toEqual(headersOf(list.other));
    expect(list.lane.body).toEqual(list.other.body);
  });

  it('refuses alike: no token, an unknown object or record, a bad query', async () => {
    const cases = [
      await both('GET', '/api/v1/records/account', undefined, { authorization: 'Bearer nope' }),
      await both('GET', '/api/v1/records/nosuch'),
      await both('GET', `/api/v1/records/account/${ID}`),
      await both('DELETE', `/api/v1/records/account/${ID}`),
      await both('GET', '/api/v1/records/account?limit=-3'),
      await both('GET', '/api/v1/records/account?filter=%7Bnot-json'),
    ];
    expect(cases.map((c) => c.lane.status)).toEqual([401, 404, 404, 404, 400, 400]);
    for (const { lane, other } of cases) {
      expect(lane.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(headersOf(lane)).toEqual(headersOf(other));
      expect(lane.body).toEqual(other.body);
    }
  });

  it('reads bodies with the same parser: bad JSON, too large, another type, not an object, none', async () => {
    const json = { 'content-type': 'application/json' };
    const cases = [
      await both('POST', '/api/v1/records/account', '{"name": "Broken', json),
      await both('POST', '/api/v1/records/account', JSON.stringify({ name: 'x'.repeat(2_200_000) }), json),
      await both('POST', '/api/v1/records/account', 'name=Plain', { 'content-type': 'text/plain' }),
      await both('PATCH', `/api/v1/records/account/${accountId}`, '"a string"', json),
      await both('PATCH', `/api/v1/records/account/${accountId}`, { name: 'Lane Ltd' }, { 'if-match': 'yesterday' }),
    ];
    expect(cases.map((c) => c.lane.status)).toEqual([400, 413, 400, 400, 400]);
    expect(cases[0]!.lane.body.errors[0].code).toBe('entity.parse.failed');
    for (const { lane, other } of cases) {
      expect(headersOf(lane)).toEqual(headersOf(other));
      expect(lane.body).toEqual(other.body);
    }
    // No body at all reads as {}: a change of nothing, which still makes a version.
    const none = await both('PATCH', `/api/v1/records/account/${accountId}`, '', json);
    expect([none.lane.status, none.other.status]).toEqual([200, 200]);
    expect(none.other.body.version).toBe(none.lane.body.version + 1);
  });

  it('creates, updates and deletes alike', async () => {
    const create = await both('POST', '/api/v1/records/account', { name: 'Twin' });
    expect([create.lane.status, create.other.status]).toEqual([201, 201]);
    const own = ['location', 'etag', 'content-length'];
    expect(headersOf(create.lane, own)).toEqual(headersOf(create.other, own));
    expect(create.lane.headers.get('location')).toBe(`/api/v1/records/account/${create.lane.body.id}`);
    expect(create.lane.headers.get('etag')).toBe('"1"');
    const ids = [create.lane.body.id as string, create.other.body.id as string];

    const patch = (path: string) => t.api('PATCH', path, { name: 'Twin 2' }, { 'if-match': '"1"' });
    const updated = [
      await patch(`/api/v1/records/account/${ids[0]}`),
      await patch(express(`/api/v1/records/account/${ids[1]}`)),
    ];
    expect(updated.map((u) => [u.status, u.headers.get('etag'), u.body.name])).toEqual([
      [200, '"2"', 'Twin 2'],
      [200, '"2"', 'Twin 2'],
    ]);
    expect(headersOf(updated[0]!, own)).toEqual(headersOf(updated[1]!, own));

    const gone = [
      await t.api('DELETE', `/api/v1/records/account/${ids[0]}`),
      await t.api('DELETE', express(`/api/v1/records/account/${ids[1]}`)),
    ];
    expect(gone.map((g) => g.status)).toEqual([204, 204]);
    expect(headersOf(gone[0]!)).toEqual(headersOf(gone[1]!));
    for (const id of ids) expect((await t.api('GET', `/api/v1/records/account/${id}`)).status).toBe(404);
  });

  it('leaves a conditional GET to express, which answers 304', async () => {
    const first = await t.api('GET', `/api/v1/records/account/${accountId}`);
    const again = await request(t.url, 'GET', `/api/v1/records/account/${accountId}`, undefined, {
      authorization: `Bearer ${t.token}`,
      'if-none-match': first.headers.get('etag')!,
      // Else fetch adds Cache-Control: no-cache to a conditional request, and no server answers 304.
      'cache-control': 'max-age=0',
    });
    expect(again.status).toBe(304);
  });
});
