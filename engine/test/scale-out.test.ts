import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { heldReceiver } from './support/held-receiver.js';
import { waitFor } from './support/security.js';
import { freePort, killHard, startProcess, type EngineProcess } from './support/process.js';
import { ON_POSTGRES, request, type ApiResponse } from './support/test-engine.js';

/**
 * Engines as separate processes, as an operator scales them out. On PostgreSQL, two engines on one
 * database answer from one truth: what is published, deactivated or locked through one holds on
 * the other from its next request, and when one is killed with SIGKILL the other goes on and
 * finishes its work. On embedded PGlite, one process owns the data folder: a second is refused
 * before it touches the files, and the next one, after a SIGKILL, first undoes an all-or-none
 * import that was writing its rows.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-scale-'));
const schema = `test_${crypto.randomBytes(6).toString('hex')}`;
const started: EngineProcess[] = [];

afterAll(async () => {
  for (const e of started) await killHard(e.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (ON_POSTGRES) {
    const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    for (const s of [schema, `${schema}_jobs`]) await admin.raw('drop schema if exists ?? cascade', [s]);
    await admin.destroy();
  }
});

async function engine(env: Record<string, string> = {}): Promise<EngineProcess> {
  const e = await startProcess(
    await freePort(),
    { dataDir, schema },
    {
      TESSERA_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      // pg-boss's smallest heartbeat, looked for every second: a dead engine's job moves in ~10 s.
      TESSERA_JOB_HEARTBEAT_SECONDS: '10',
      TESSERA_JOB_SUPERVISE_SECONDS: '1',
      ...env,
    },
  );
  started.push(e);
  return e;
}

type Api = (method: string, p: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse>;
const as =
  (e: EngineProcess, token = e.token): Api =>
  (method, p, body, headers = {}) =>
    request(e.url, method, p, body, { authorization: `Bearer ${token}`, ...headers });

const filter = (f: unknown) => `filter=${encodeURIComponent(JSON.stringify(f))}`;
const ok = (res: ApiResponse, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};

if (ON_POSTGRES) {
  describe('two engines on one PostgreSQL', () => {
    let a: EngineProcess;
    let b: EngineProcess;

    it('start side by side on one schema', { timeout: 120_000 }, async () => {
      a = await engine();
      b = await engine({ TESSERA_IMPORT_STALE_SECONDS: '4' });
      expect(ok(await as(b, a.token)('GET', '/api/v1/auth/me')).email).toBe(ADMIN.email);
    });

    it('serve a field published through one from the other on its very next request', async () => {
      const onA = as(a);
      const onB = as(b, a.token);
      // B has seen the token: its list and create take the fused path, where the session check
      // rides in the statement (and with it the check that B's metadata is current).
      for (let i = 0; i < 3; i++) ok(await onB('GET', '/api/v1/records/account?limit=1'));

      const account = ok(await onA('GET', '/api/v1/meta/objects/account'));
      account.fields.push({ apiName: 'tier', type: 'text', label: { en: 'Tier', 'zh-CN': '等级' } });
      ok(await onA('PUT', '/api/v1/meta/objects/account', account));
      ok(await onA('POST', '/api/v1/meta/publish', {}), 201);

      // No waiting: the first request to B after the publish already knows the field.
      const created = ok(await onB('POST', '/api/v1/records/account', { name: 'Scale Ltd', tier: 'gold' }), 201);
      expect(created.tier).toBe('gold');
      const listed = ok(await onB('GET', `/api/v1/records/account?${filter({ tier: 'gold' })}`));
      expect(listed.data.map((r: { name: string }) => r.name)).toEqual(['Scale Ltd']);
      const runtime = ok(await onB('GET', '/api/v1/meta/runtime'));
      const fields = runtime.objects.find((o: { apiName: string }) => o.apiName === 'account').fields;
      expect(fields.map((f: { apiName: string }) => f.apiName)).toContain('tier');
      // And back: A reads what B wrote.
      expect(ok(await onA('GET', `/api/v1/records/account/${created.id}`)).tier).toBe('gold');
    });

    it('catch up on a change whose notification never came, at the next request', async () => {
      // As if B's LISTEN connection had dropped: the change is written and the stamp moved with
      // no NOTIFY; B's session check sees the stamp and reloads before it answers.
      const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
      try {
        await admin.transaction(async (trx) => {
          await trx.raw(
            `insert into ??._settings (key, value) values ('corporateCurrency', '"EUR"')
             on conflict (key) do update set value = excluded.value`,
            [schema],
          );
          await trx.raw('update ??._stamp set n = n + 1', [schema]);
        });
      } finally {
        await admin.destroy();
      }
      expect(ok(await as(b, a.token)('GET', '/api/v1/currencies')).corporate).toBe('EUR');
      expect(ok(await as(a)('GET', '/api/v1/currencies')).corporate).toBe('EUR');
    });

    it('refuse a user deactivated through the other engine on the next request', async () => {
      const onA = as(a);
      const email = `rep-${crypto.randomBytes(4).toString('hex')}@example.test`;
      const user = ok(
        await onA('POST', '/api/v1/users', {
          email,
          name: 'Rep',
          password: 'a long test password',
          permissionSets: ['api_user', 'sales_user'],
        }),
        201,
      );
      const login = ok(await request(b.url, 'POST', '/api/v1/auth/login', { email, password: 'a long test password' }));
      const repOnB = as(b, login.token);
      for (let i = 0; i < 3; i++) ok(await repOnB('GET', '/api/v1/records/account?limit=1'));
      ok(await onA('PATCH', `/api/v1/users/${user.id}`, { active: false }));
      expect((await repOnB('GET', '/api/v1/records/account?limit=1')).status).toBe(401);
      expect((await repOnB('POST', '/api/v1/records/account', { name: 'Too late' })).status).toBe(401);
    });

    it('count failed logins together: an attacker gains nothing by spreading guesses', async () => {
      const email = `nobody-${crypto.randomBytes(4).toString('hex')}@example.test`;
      const guess = (e: EngineProcess, i: number) =>
        request(e.url, 'POST', '/api/v1/auth/login', { email, password: `guess ${i}` });
      for (let i = 0; i < 5; i++) expect((await guess(i % 2 ? b : a, i)).status).toBe(401);
      expect((await guess(a, 5)).status).toBe(429);
      expect((await guess(b, 6)).status).toBe(429);
    });

    it(
      'carry on when one is killed with SIGKILL mid-traffic: every acknowledged write is there, the import fails cleanly',
      { timeout: 120_000 },
      async () => {
        const onA = as(a);
        const onB = as(b, a.token);
        // An all-or-none import big enough to be running when A dies.
        const rows = ['name,website', ...Array.from({ length: 100_000 }, (_, i) => `Imported ${i},https://x${i}.test`)];
        const upload = ok(
          await onA('POST', '/api/v1/records/account/import', rows.join('\n'), { 'content-type': 'text/csv' }),
          202,
        );
        await waitFor(async () => {
          const job = ok(await onA('GET', `/api/v1/imports/${upload.id}`));
          return job.status === 'running' || undefined;
        }, 'the import running on A');

        // Writes through both engines; A dies in the middle of them.
        const acknowledged: string[] = [];
        const failedOnB: ApiResponse[] = [];
        let stop = false;
        const writer = async (api: Api, onB: boolean, n: number) => {
          for (let i = 0; !stop; i++) {
            const res = await api('POST', '/api/v1/records/account', { name: `Load ${n}-${i}` }).catch(() => undefined);
            if (res?.status === 201) acknowledged.push(res.body.id);
            else if (onB) failedOnB.push(res ?? { status: 0, body: 'connection failed', headers: new Headers() });
          }
        };
        const writers = [writer(onA, false, 0), writer(onB, true, 1), writer(onA, false, 2), writer(onB, true, 3)];
        await waitFor(() => Promise.resolve(acknowledged.length >= 40 || undefined), 'forty writes');
        await killHard(a.child);
        const atKill = acknowledged.length;
        await waitFor(() => Promise.resolve(acknowledged.length >= atKill + 40 || undefined), 'forty more writes on B');
        stop = true;
        await Promise.all(writers);

        expect(failedOnB).toEqual([]);
        // Every write either engine acknowledged is there, read through the survivor.
        const ids = new Set<string>();
        let cursor: string | null = null;
        do {
          const page = ok(
            await onB(
              'GET',
              `/api/v1/records/account?limit=500&${filter({ name: { startsWith: 'Load ' } })}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            ),
          );
          for (const r of page.data) ids.add(r.id);
          cursor = page.nextCursor;
        } while (cursor);
        expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);

        // B's housekeeping sees A's import stop moving and fails it; all-or-none wrote nothing.
        const job = await waitFor(
          async () => {
            const j = ok(await onB('GET', `/api/v1/imports/${upload.id}`));
            return j.status === 'failed' ? j : undefined;
          },
          "A's import marked failed by B",
          60_000,
        );
        expect(job.error).toMatch(/server stopped during the import; nothing was imported/);
        const imported = ok(
          await onB(
            'GET',
            `/api/v1/records/account?limit=1&count=exact&${filter({ name: { startsWith: 'Imported ' } })}`,
          ),
        );
        expect(imported.count).toBe(0);
      },
    );

    it(
      'finish a workflow run whose engine was killed mid-action on the other engine',
      { timeout: 120_000 },
      async () => {
        const c = await engine();
        const onB = as(b);
        // The receiver holds the first delivery open: whichever engine sent it is killed meanwhile.
        const receiver = await heldReceiver();
        const { port, got } = receiver;
        try {
          ok(
            await onB('POST', '/api/v1/meta/workflows', {
              apiName: 'tell_erp',
              label: 'Tell the ERP',
              object: 'account',
              trigger: { on: 'create' },
              actions: [
                { type: 'updateRecord', values: { description: { cat: ['Sent ', { var: 'name' }] } } },
                { type: 'webhook', url: `http://127.0.0.1:${port}/hook` },
              ],
            }),
            201,
          );
          ok(await onB('POST', '/api/v1/meta/publish', {}), 201);
          const created = ok(await onB('POST', '/api/v1/records/account', { name: 'Handover Ltd' }), 201);
          await receiver.first;
          // Which engine holds the delivery: the process with a connection to the receiver.
          const holder = [b, c].find((e) =>
            execFileSync('ss', ['-tnpH', 'dst', `127.0.0.1:${port}`], { encoding: 'utf8' }).includes(
              `pid=${e.child.pid},`,
            ),
          );
          expect(holder, 'one of the two engines is delivering').toBeDefined();
          const survivor = holder === b ? c : b;
          await killHard(holder!.child);
          const onSurvivor = as(survivor, b.token);
          const run = await waitFor(
            async () => {
              const runs = ok(await onSurvivor('GET', '/api/v1/automation/runs?workflow=tell_erp')).runs;
              return runs[0]?.status === 'succeeded' ? runs[0] : undefined;
            },
            'the run finished by the surviving engine',
            90_000,
          );
          const detail = ok(await onSurvivor('GET', `/api/v1/automation/runs/${run.id}`));
          // The update that committed before the kill is not done again; the cut-off delivery is.
          expect(detail.steps.map((x: { action: string; status: string }) => [x.action, x.status])).toEqual([
            ['updateRecord', 'succeeded'],
            ['webhook', 'succeeded'],
          ]);
          expect(got).toHaveLength(2);
          expect(got[0]!.id).toBe(got[1]!.id);
          expect(ok(await onSurvivor('GET', `/api/v1/records/account/${created.id}`)).description).toBe(
            'Sent Handover Ltd',
          );
        } finally {
          await receiver.close();
        }
      },
    );
  });
} else {
  describe('embedded PGlite and a second engine', () => {
    it(
      'refuses a second engine on the same data folder before it touches the files; the first serves on',
      { timeout: 120_000 },
      async () => {
        const first = await engine();
        const created = ok(await as(first)('POST', '/api/v1/records/account', { name: 'Kept Ltd' }), 201);
        await expect(engine()).rejects.toThrow(/data folder .* is in use by process \d+/);
        expect(ok(await as(first)('GET', `/api/v1/records/account/${created.id}`)).name).toBe('Kept Ltd');

        // Killed with SIGKILL, the first leaves its lock behind: the next engine takes it over and
        // has every acknowledged write.
        await killHard(first.child);
        const next = await engine();
        expect(ok(await as(next)('GET', `/api/v1/records/account/${created.id}`)).name).toBe('Kept Ltd');
      },
    );

    it(
      'undoes an all-or-none import killed with SIGKILL while writing its rows, before serving again',
      { timeout: 120_000 },
      async () => {
        // The data folder's engine from the test before goes first: one process at a time.
        for (const e of started) await killHard(e.child);
        const first = await engine();
        const rows = ['name,website', ...Array.from({ length: 100_000 }, (_, i) => `Killed ${i},https://k${i}.test`)];
        const upload = ok(
          await as(first)('POST', '/api/v1/records/account/import', rows.join('\n'), { 'content-type': 'text/csv' }),
          202,
        );
        // Every row accepted and some written (visible to others) when the process dies.
        const writing = await waitFor(async () => {
          const job = ok(await as(first)('GET', `/api/v1/imports/${upload.id}`));
          if (job.status !== 'running')
            throw new Error(`the import ended before it was killed: ${JSON.stringify(job)}`);
          return job.phase === 'applying' && job.rowsCreated > 0 ? job : undefined;
        }, 'the import writing its rows');
        expect(writing.rowsCreated).toBeLessThan(100_000);
        await killHard(first.child);

        const next = await engine();
        const job = ok(await as(next)('GET', `/api/v1/imports/${upload.id}`));
        expect(job).toMatchObject({ status: 'failed', rowsCreated: 0, rowsUpdated: 0 });
        expect(job.error).toMatch(/nothing was imported/);
        const imported = ok(
          await as(next)(
            'GET',
            `/api/v1/records/account?limit=1&count=exact&${filter({ name: { startsWith: 'Killed ' } })}`,
          ),
        );
        expect(imported.count).toBe(0);
      },
    );
  });
}
