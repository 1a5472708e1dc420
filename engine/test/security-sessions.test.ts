import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bare,
  createUser,
  expectProblem,
  login,
  PASSWORD,
  publish,
  withToken,
  type TestUser,
} from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Sessions end when they should, on the very next request: logout, deactivation, a password
 * change, a revoked or expired API token. Bearer requests need apiAccess; cookie requests need
 * the CSRF header. Failed logins lock the account (5) and the address (20) with 429.
 * The per-address test runs last: it locks 127.0.0.1 out of this engine for 15 minutes.
 */

const ME = '/api/v1/auth/me';
const TOKENS = '/api/v1/auth/tokens';

let t: TestEngine;
let send: ReturnType<typeof bare>;

const expect401 = async (api: ReturnType<typeof bare>, path = ME) => expectProblem(await api('GET', path), 401);
const cookieOf = (res: { headers: Headers }) => res.headers.get('set-cookie')!.split(';')[0]!;

beforeAll(async () => {
  t = await startTestEngine();
  send = bare(t);
  await publish(t, {
    permissionSets: [{ apiName: 'ses_reader', label: 'Reader', objects: { account: { read: true } } }],
  });
});
afterAll(() => t?.close());

describe('sessions end on the next request', () => {
  it("logout ends the session (bearer and cookie alike), not the user's other sessions", async () => {
    const user = await createUser(t, { name: 'Logout' });
    const second = withToken(t, (await login(t, user.email)).body.token);
    expect((await user.api('GET', ME)).status).toBe(200);
    expect((await user.api('POST', '/api/v1/auth/logout')).status).toBe(204);
    await expect401(user.api);
    expect((await second('GET', ME)).status).toBe(200);
  });

  it('deactivation ends every session and API token; reactivation does not bring them back', async () => {
    const user = await createUser(t, { name: 'Deactivated' });
    const token = await user.api('POST', TOKENS, { name: 'sync', days: 1 });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const cookieLogin = await login(t, user.email);
    const cookie = { cookie: cookieOf(cookieLogin), 'x-requested-with': 'XMLHttpRequest' };
    expect((await send('GET', ME, undefined, cookie)).status).toBe(200);

    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    await expect401(user.api);
    await expect401(withToken(t, token.body.token));
    expectProblem(await send('GET', ME, undefined, cookie), 401);
    expectProblem(await login(t, user.email), 401);
    expect(await t.sql('select count(*)::int as n from ??._sessions where user_id = ?', [t.schema, user.id])).toEqual([
      { n: 0 },
    ]);

    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { active: true })).status).toBe(200);
    await expect401(user.api);
    await expect401(withToken(t, token.body.token));
    expect((await login(t, user.email)).status).toBe(200);
  });

  it('a password change ends every session, by the user or by a user manager', async () => {
    const user = await createUser(t, { name: 'Password' });
    const other = withToken(t, (await login(t, user.email)).body.token);
    const changed = await user.api('PATCH', `/api/v1/users/${user.id}`, {
      password: 'a new long password',
      currentPassword: PASSWORD,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await expect401(user.api);
    await expect401(other);
    expectProblem(await login(t, user.email), 401);
    const fresh = withToken(t, (await login(t, user.email, 'a new long password')).body.token);
    expect((await fresh('GET', ME)).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { password: 'reset by the admin' })).status).toBe(200);
    await expect401(fresh);
  });

  it('API tokens: shown once, listed by name only, revoked by their owner alone, dead once revoked or expired', async () => {
    const user = await createUser(t, { name: 'Tokens' });
    const other = await createUser(t, { name: 'Other' });
    const made = await user.api('POST', TOKENS, { name: 'ERP sync', days: 30 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: expect.any(String),
      name: 'ERP sync',
      token: expect.any(String),
      expiresAt: expect.any(String),
    });
    const api = withToken(t, made.body.token);
    expect((await api('GET', ME)).body.id).toBe(user.id);

    const listed = await user.api('GET', TOKENS);
    expect(listed.body.data).toEqual([
      { id: made.body.id, name: 'ERP sync', createdAt: expect.any(String), expiresAt: made.body.expiresAt },
    ]);
    expect((await other.api('GET', TOKENS)).body.data).toEqual([]);
    // The database keeps only a hash of it.
    const stored = await t.sql<{ token_hash: string }>('select token_hash from ??._sessions where id = ?', [
      t.schema,
      made.body.id,
    ]);
    expect(stored[0]!.token_hash).not.toContain(made.body.token);

    expectProblem(await other.api('DELETE', `${TOKENS}/${made.body.id}`), 404);
    expect((await api('GET', ME)).status).toBe(200);
    // A login session is not a named token: it cannot be revoked through this endpoint.
    const sessionId = (
      await t.sql<{ id: string }>('select id from ??._sessions where user_id = ? and name is null limit 1', [
        t.schema,
        user.id,
      ])
    )[0]!.id;
    expectProblem(await user.api('DELETE', `${TOKENS}/${sessionId}`), 404);
    for (const body of [{}, { name: '' }, { name: 'x', days: 0 }, { name: 'x', days: 367 }, { name: 'x', days: 1.5 }]) {
      expect((await user.api('POST', TOKENS, body)).status, JSON.stringify(body)).toBe(422);
    }

    expect((await user.api('DELETE', `${TOKENS}/${made.body.id}`)).status).toBe(204);
    await expect401(api);

    const expiring = await user.api('POST', TOKENS, { name: 'short', days: 1 });
    const short = withToken(t, expiring.body.token);
    expect((await short('GET', ME)).status).toBe(200);
    await t.sql(`update ??._sessions set expires_at = now() - interval '1 second' where id = ?`, [
      t.schema,
      expiring.body.id,
    ]);
    await expect401(short);
  });

  it('an expired login session is refused', async () => {
    const user = await createUser(t, { name: 'Expired' });
    await t.sql(`update ??._sessions set expires_at = now() - interval '1 second' where user_id = ?`, [
      t.schema,
      user.id,
    ]);
    await expect401(user.api);
  });

  it('refuses malformed and forged credentials with 401', async () => {
    const user = await createUser(t, { name: 'Forged' });
    for (const authorization of [
      `Bearer ${user.token}x`,
      `Bearer ${user.token.slice(0, -1)}`,
      'Bearer ',
      'Bearer null',
      `bearer ${user.token}`,
      `Token ${user.token}`,
      `Bearer ${'a'.repeat(5000)}`,
    ]) {
      const res = await send('GET', ME, undefined, { authorization });
      expect(res.status, authorization.slice(0, 30)).toBe(401);
    }
    // A session cookie with someone's token hash instead of the token.
    const hash = (
      await t.sql<{ token_hash: string }>('select token_hash from ??._sessions where user_id = ? limit 1', [
        t.schema,
        user.id,
      ])
    )[0]!.token_hash;
    expectProblem(await send('GET', ME, undefined, { authorization: `Bearer ${hash}` }), 401);
  });
});

describe('bearer needs apiAccess, cookie needs the CSRF header', () => {
  let ui: TestUser;
  let cookie: string;
  beforeAll(async () => {
    ui = await createUser(t, { name: 'UI only', permissionSets: ['ses_reader'], noApiAccess: true });
    cookie = cookieOf(await login(t, ui.email));
  });

  it('a bearer request without apiAccess is 403; the same session by cookie works', async () => {
    expectProblem(await ui.api('GET', ME), 403, [{ field: 'apiAccess', code: 'systemPermission' }]);
    expectProblem(await ui.api('GET', '/api/v1/records/account'), 403, [
      { field: 'apiAccess', code: 'systemPermission' },
    ]);
    const viaCookie = await send('GET', '/api/v1/records/account', undefined, {
      cookie,
      'x-requested-with': 'XMLHttpRequest',
    });
    expect(viaCookie.status).toBe(200);
    // Nor can the UI session mint itself an API token.
    const before = await t.sql('select count(*)::int as n from ??._sessions', [t.schema]);
    expectProblem(
      await send('POST', TOKENS, { name: 'escape' }, { cookie, 'x-requested-with': 'XMLHttpRequest' }),
      403,
      [{ field: 'apiAccess', code: 'systemPermission' }],
    );
    expect(await t.sql('select count(*)::int as n from ??._sessions', [t.schema])).toEqual(before);
  });

  it('a cookie request without X-Requested-With: XMLHttpRequest is 403 and writes nothing', async () => {
    const before = await t.sql('select count(*)::int as n from ??.account', [t.schema]);
    for (const headers of [
      { cookie },
      { cookie, 'x-requested-with': 'fetch' },
      { cookie, 'x-requested-with': 'xmlhttprequest ' },
    ] as Record<string, string>[]) {
      expectProblem(await send('GET', ME, undefined, headers), 403, [{ field: 'X-Requested-With', code: 'csrf' }]);
      expectProblem(await send('POST', '/api/v1/records/account', { name: 'csrf' }, headers), 403, [
        { field: 'X-Requested-With', code: 'csrf' },
      ]);
    }
    expect(await t.sql('select count(*)::int as n from ??.account', [t.schema])).toEqual(before);
  });

  it('taking apiAccess away counts from the next bearer request', async () => {
    const user = await createUser(t, { name: 'Loses API' });
    expect((await user.api('GET', ME)).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { permissionSets: [] })).status).toBe(200);
    expectProblem(await user.api('GET', ME), 403, [{ field: 'apiAccess', code: 'systemPermission' }]);
  });
});

describe('failed logins', () => {
  it('lock the account after 5 failures: 429 with Retry-After, even with the right password', async () => {
    const user = await createUser(t, { name: 'Locked' });
    for (let i = 0; i < 5; i++) expectProblem(await login(t, user.email, `wrong password ${i}`), 401);
    const locked = await login(t, user.email);
    expectProblem(locked, 429, [{ field: 'email', code: 'locked' }]);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    // The lock is in the database; other accounts are not affected.
    const [row] = await t.sql<{ locked: boolean }>(
      'select locked_until > now() as locked from ??._users where id = ?',
      [t.schema, user.id],
    );
    expect(row!.locked).toBe(true);
    // The lock does not end existing sessions, and lifting it (an admin's job) lets the user in.
    expect((await user.api('GET', ME)).status).toBe(200);
    await t.sql('update ??._users set locked_until = null where id = ?', [t.schema, user.id]);
    expect((await login(t, user.email)).status).toBe(200);
    // The e-mail is matched without case or spaces, so it cannot dodge the lock.
    for (let i = 0; i < 5; i++) await login(t, i % 2 ? ` ${user.email.toUpperCase()} ` : user.email, 'wrong again');
    expectProblem(await login(t, user.email), 429);
  });

  it('lock an e-mail that has no account the same way, so a 429 does not reveal which accounts exist', async () => {
    const nobody = `nobody-${Date.now()}@example.test`;
    for (let i = 0; i < 5; i++) expectProblem(await login(t, nobody, `guess ${i}`), 401);
    const locked = await login(t, nobody, 'guess 6');
    expectProblem(locked, 429, [{ field: 'email', code: 'locked' }]);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
  });

  it('refuse an address after 20 failures across accounts, whatever X-Forwarded-For says', async () => {
    const user = await createUser(t, { name: 'Victim' });
    let refused: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 21 && !refused; i++) {
      const res = await send(
        'POST',
        '/api/v1/auth/login',
        { email: `nobody-${i}@example.test`, password: 'wrong password' },
        { 'x-forwarded-for': `203.0.113.${i}` },
      );
      if (res.status === 429) refused = res;
      else expectProblem(res, 401);
    }
    expect(refused, 'no 429 within 21 failures').toBeDefined();
    expectProblem(refused!, 429, [{ field: 'email', code: 'locked' }]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Now even the right password from this address waits.
    expectProblem(await login(t, user.email), 429);
    expectProblem(await login(t, user.email), 429);
  });
});
