import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_KIND_LIST, PROBLEM_KINDS, type ProblemKind } from '../src/errors.js';
import { ADMIN } from './support/admin.js';
import { mountSmallDisk } from './support/full-disk.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Every kind of problem, answered by the engine over HTTP: its type URI names the kind, with the
 * kind's status and title. The cases are a Record over the kinds, so a new kind does not compile
 * until it has one. They run in order: internal-error and service-unavailable break the engine on
 * purpose; insufficient-storage starts an engine of its own.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const ACCOUNTS = '/api/v1/records/account';
const signedOut = { authorization: '' };
const newAccount = async () => (await t.api('POST', ACCOUNTS, { name: `Acme ${crypto.randomUUID()}` })).body.id;
const login = (email: string) =>
  t.api('POST', '/api/v1/auth/login', { email, password: 'not-the-password' }, signedOut);

const CASES: Record<ProblemKind, () => Promise<ApiResponse>> = {
  'bad-request': () => t.api('GET', `${ACCOUNTS}?filter=not-json`),
  unauthorized: () => t.api('GET', ACCOUNTS, undefined, signedOut),
  'login-failed': () => login(ADMIN.email),
  'session-expired': () => t.api('GET', ACCOUNTS, undefined, { authorization: 'Bearer no-such-token' }),
  forbidden: () => t.api('GET', ACCOUNTS, undefined, { authorization: '', cookie: `tessera_session=${t.token}` }),
  'not-found': () => t.api('GET', `${ACCOUNTS}/${crypto.randomUUID()}`),
  conflict: () => t.api('POST', '/api/v1/users', { email: ADMIN.email, name: 'Twin', password: 'twin-password-1' }),
  'stale-version': async () =>
    t.api('PATCH', `${ACCOUNTS}/${await newAccount()}`, { name: 'B' }, { 'if-match': '"9"' }),
  'payload-too-large': () => t.api('POST', ACCOUNTS, { name: 'x'.repeat(3 * 1024 * 1024) }),
  'unsupported-media-type': () => t.api('POST', `${ACCOUNTS}/import`, 'name\nAcme', { 'content-type': 'text/plain' }),
  validation: () => t.api('POST', ACCOUNTS, {}),
  'not-deleted': () => t.api('POST', `${ACCOUNTS}/bulk-delete`, { ids: [crypto.randomUUID()] }),
  'missing-exchange-rate': async () => {
    const deal = { name: 'Yen deal', close_date: '2026-01-01', amount: { amount: 5, currency: 'JPY' } };
    expect((await t.api('POST', '/api/v1/records/opportunity', deal)).status).toBe(201);
    return t.api('GET', '/api/v1/records/opportunity/aggregate?metrics=sum:amount&currency=corporate');
  },
  'idempotency-key-reused': async () => {
    const key = { 'idempotency-key': crypto.randomUUID() };
    expect((await t.api('POST', `${ACCOUNTS}/bulk`, { records: [{ name: 'First' }] }, key)).status).toBe(200);
    return t.api('POST', `${ACCOUNTS}/bulk`, { records: [{ name: 'Second' }] }, key);
  },
  'rate-limited': async () => {
    const email = `nobody-${crypto.randomUUID()}@example.test`;
    for (let i = 0; i < 5; i++) expect((await login(email)).status).toBe(401);
    return login(email);
  },
  'internal-error': async () => {
    // The table gone from under the engine, as after a restore from an older backup.
    await t.sql('alter table ?? rename to ??', [`${t.schema}.account`, 'account_away']);
    try {
      return await t.api('GET', ACCOUNTS);
    } finally {
      await t.sql('alter table ?? rename to ??', [`${t.schema}.account_away`, 'account']);
    }
  },
  'service-unavailable': async () => {
    await t.engine.imports.close();
    return t.api('POST', `${ACCOUNTS}/import`, 'name\nAcme', { 'content-type': 'text/csv' });
  },
  'insufficient-storage': async () => {
    // An engine of its own whose import folder is a 64 kB disk, and a file of about 200 kB.
    const disk = mountSmallDisk('64k');
    const small = await startTestEngine({ importDir: disk.dir });
    try {
      const csv = ['name', ...Array.from({ length: 10_000 }, (_, i) => `Acme ${i}`)].join('\n');
      return await small.api('POST', `${ACCOUNTS}/import`, csv, { 'content-type': 'text/csv' });
    } finally {
      await small.close();
      disk.unmount();
    }
  },
};

describe('problem kinds', () => {
  for (const kind of PROBLEM_KIND_LIST) {
    it(`${kind}: ${PROBLEM_KINDS[kind].status} ${PROBLEM_KINDS[kind].title}`, async () => {
      const res = await CASES[kind]();
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        type: `https://tessera.dev/problems/${kind}`,
        status: PROBLEM_KINDS[kind].status,
        title: PROBLEM_KINDS[kind].title,
        detail: expect.any(String),
        errors: expect.any(Array),
      });
      expect(res.status).toBe(PROBLEM_KINDS[kind].status);
    });
  }
});
