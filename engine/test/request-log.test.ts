import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, errorFields } from '../src/lib/log.js';
import { ADMIN } from './support/admin.js';
import { request, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The request log: one JSON line per request with its id (also the X-Request-Id header), method,
 * route pattern, status, duration, tenant and user, read from the logger's own output stream.
 * No line may carry a password, a token, a record id from the URL or a field value.
 */

const lines: string[] = [];
let t: TestEngine;
let userId: string;

beforeAll(async () => {
  const logger = await createLogger({
    level: 'info',
    pretty: false,
    destination: { write: (l: string) => lines.push(l) },
  });
  t = await startTestEngine({ logger });
  userId = (await request(t.url, 'POST', '/api/v1/auth/login', ADMIN)).body.user.id;
});
afterAll(() => t?.close());

type Line = Record<string, unknown>;
const entries = (): Line[] => lines.map((l) => JSON.parse(l) as Line);
/** The log line of the response that carried this X-Request-Id (written when the response closed). */
async function lineOf(res: { headers: Headers }): Promise<Line> {
  const id = res.headers.get('x-request-id');
  expect(id).toMatch(/^[\w.:@/+=-]{1,128}$/);
  for (let i = 0; i < 100; i++) {
    const found = entries().find((e) => e.reqId === id && e.msg === 'request');
    if (found) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no log line for request ${id}`);
}

describe('request log', () => {
  it('logs a login without the password or the token it hands out', async () => {
    const res = await request(t.url, 'POST', '/api/v1/auth/login', ADMIN);
    expect(res.status).toBe(200);
    const line = await lineOf(res);
    expect(line).toMatchObject({ method: 'POST', route: '/api/v1/auth/login', status: 200, tenant: 'default' });
    expect(typeof line.ms).toBe('number');
    const all = lines.join('');
    expect(all).not.toContain(ADMIN.password);
    expect(all).not.toContain(res.body.token);
    expect(all).not.toContain(t.token);
  });

  it('logs id, method, route pattern, status, duration, tenant and user, never a field value or URL', async () => {
    const value = 'Quokka-Zanzibar-7391';
    const created = await t.api('POST', '/api/v1/records/account', { name: value });
    expect(created.status).toBe(201);
    expect(await lineOf(created)).toMatchObject({
      method: 'POST',
      route: '/api/v1/records/:object',
      status: 201,
      tenant: 'default',
      user: userId,
    });
    const read = await t.api('GET', `/api/v1/records/account/${created.body.id}`);
    expect(await lineOf(read)).toMatchObject({ route: '/api/v1/records/:object/:id', status: 200, user: userId });
    const filter = encodeURIComponent(JSON.stringify({ name: { eq: value } }));
    const listed = await t.api('GET', `/api/v1/records/account?filter=${filter}&sort=-name`);
    expect(listed.body.data).toHaveLength(1);
    expect(await lineOf(listed)).toMatchObject({ route: '/api/v1/records/:object', status: 200 });
    const all = lines.join('');
    expect(all).not.toContain(value);
    expect(all).not.toContain(created.body.id);
    expect(all).not.toContain('Quokka');
  });

  it('keeps the mounted route of a request refused inside a nested router', async () => {
    // The error leaves the records router, which puts its mount path back on the request.
    const refused = await t.api('PATCH', '/api/v1/records/account/00000000-0000-0000-0000-000000000001', {
      nosuch: 'Wombat-Lighthouse-55',
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const line = await lineOf(refused);
    expect(line).toMatchObject({ method: 'PATCH', route: '/api/v1/records/:object/:id', status: refused.status });
    expect(lines.join('')).not.toContain('Wombat');
  });

  it('sends X-Request-Id on every answer: problem+json, the root, a refused session', async () => {
    const missing = await t.api('GET', '/api/v1/nowhere');
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await lineOf(missing)).toMatchObject({ status: 404, route: null });
    const root = await request(t.url, 'GET', '/');
    expect(await lineOf(root)).toMatchObject({ status: 200 });
    const forged = await request(t.url, 'GET', '/api/v1/records/account', undefined, {
      authorization: 'Bearer not-a-token',
    });
    expect(forged.status).toBe(401);
    const line = await lineOf(forged);
    expect(line.user).toBeUndefined();
    expect(lines.join('')).not.toContain('not-a-token');
  });

  it('keeps a plain incoming X-Request-Id and replaces anything else', async () => {
    const kept = await request(t.url, 'GET', '/health', undefined, { 'x-request-id': 'lb-7f3a.42' });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
    expect(await lineOf(kept)).toMatchObject({ reqId: 'lb-7f3a.42', route: '/health' });
    for (const bad of ['has space', 'x'.repeat(129), '{"json":1}']) {
      const res = await request(t.url, 'GET', '/health', undefined, { 'x-request-id': bad });
      expect(res.headers.get('x-request-id')).not.toBe(bad);
      await lineOf(res);
    }
    // Two requests never share a generated id.
    const [a, b] = await Promise.all([request(t.url, 'GET', '/health'), request(t.url, 'GET', '/health')]);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('logged errors', () => {
  it('keep what names a database error, not the values its message quotes', async () => {
    const value = 'Platypus-Harbour-0042';
    const error = await t.sql('select ?::uuid', [value]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((error as Error).message)).toContain(value); // what knex and PostgreSQL say
    const fields = errorFields(error);
    expect(fields).toMatchObject({ code: '22P02' });
    expect(JSON.stringify(fields)).not.toContain(value);
    expect(String(fields.stack)).toMatch(/^ {4}at /);
  });

  it('keep the message and stack of any other error', () => {
    const fields = errorFields(new TypeError('x is not a function'));
    expect(fields).toMatchObject({ type: 'TypeError', message: 'x is not a function' });
    expect(String(fields.stack)).toContain('request-log.test.ts');
  });
});
