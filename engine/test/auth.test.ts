import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

describe('authentication', () => {
  it('answers /health without a token once ready', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ok');
  });

  it('says at / where the API and its docs are, and answers problem+json for unknown paths', async () => {
    const root = await fetch(`${t.url}/`);
    expect(root.status).toBe(200);
    expect(await root.json()).toMatchObject({ docs: '/api/docs', health: '/health' });
    const missing = await fetch(`${t.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('logs in with the right password and refuses a wrong one', async () => {
    const ok = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(ok.status).toBe(200);
    expect(typeof (await ok.json()).token).toBe('string');
    for (const body of [
      { ...ADMIN, password: 'wrong' },
      { email: 'nobody@example.test', password: ADMIN.password },
      { email: ADMIN.email },
    ]) {
      const bad = await fetch(`${t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses every /api route without a valid bearer token', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/meta/objects'],
      ['GET', '/api/v1/records/account'],
      ['POST', '/api/v1/meta/publish'],
      ['GET', '/api/v1/nothing'],
    ]) {
      for (const authorization of [undefined, 'Bearer not-a-token', `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const res = await fetch(t.url + path, { method, headers: authorization ? { authorization } : {} });
        expect(res.status, `${method} ${path} with ${authorization}`).toBe(401);
        const body = await res.json();
        expect(body.status).toBe(401);
      }
    }
  });

  it('revokes the token on logout', async () => {
    const login = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { token } = await login.json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${t.url}/api/v1/auth/me`, { headers })).status).toBe(200);
    expect((await fetch(`${t.url}/api/v1/auth/logout`, { method: 'POST', headers })).status).toBe(204);
    expect((await fetch(`${t.url}/api/v1/auth/me`, { headers })).status).toBe(401);
  });

  it('gives the browser an httpOnly SameSite=Strict cookie that works only with the CSRF header', async () => {
    const login = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^tessera_session=[\w-]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const withHeader = await fetch(`${t.url}/api/v1/auth/me`, {
      headers: { cookie, 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).email).toBe(ADMIN.email);

    // A cross-site form post carries the cookie but cannot add the header: refused, nothing written.
    const before = await t.sql(`select count(*)::int as n from ${t.schema}._meta_draft`);
    const forged = await fetch(`${t.url}/api/v1/meta/objects`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        apiName: 'forged',
        label: 'F',
        pluralLabel: 'F',
        nameField: 'name',
        fields: [{ apiName: 'name', type: 'text', label: 'N' }],
      }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect((await forged.json()).errors[0].field).toBe('X-Requested-With');
    expect(await t.sql(`select count(*)::int as n from ${t.schema}._meta_draft`)).toEqual(before);

    const logout = await fetch(`${t.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/tessera_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie, 'x-requested-with': 'XMLHttpRequest' } });
    expect(after.status).toBe(401);
  });
});
