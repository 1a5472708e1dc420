import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, killHard, startProcess, type EngineProcess } from './support/process.js';
import { waitFor } from './support/security.js';
import { ON_POSTGRES, request, type ApiResponse } from './support/test-engine.js';

/**
 * Fault drills on publishing, through a real engine process on a table of 100,000 records.
 *
 * kill -9 during a publish that makes a populated field unique and adds a field: after a restart
 * the schema and the metadata are both old (the draft still holds the change, and publishing it
 * then works) or both new, never one without the other. On PostgreSQL the publish is caught for
 * certain in the middle of its transaction: the test holds a lock on the table, waits until
 * pg_stat_activity shows the publish's DDL waiting for it, and kills the engine then. On embedded
 * PGlite the process owns the data folder, so the kill comes half-way through the time a like
 * publish took on the same table, and the publish must not have answered.
 *
 * Two publishes at once: the publish lock lets one run; the other finds nothing left to publish,
 * so one release is made and its plan runs once.
 */

const ROWS = 100_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-fault-publish-'));
const schema = ON_POSTGRES ? `test_${crypto.randomBytes(6).toString('hex')}` : 'tenant_default';
const started: EngineProcess[] = [];
let admin: Knex | undefined;

afterAll(async () => {
  for (const e of started) await killHard(e.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    for (const s of [schema, `${schema}_jobs`]) await admin.raw('drop schema if exists ?? cascade', [s]);
    await admin.destroy();
  }
});

async function engine(): Promise<EngineProcess> {
  const e = await startProcess(await freePort(), { dataDir, schema });
  started.push(e);
  return e;
}

const ok = (res: ApiResponse, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const as =
  (e: EngineProcess) =>
  (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(e.url, method, p, body, { authorization: `Bearer ${e.token}`, ...headers });

interface Field {
  apiName: string;
  unique?: boolean;
}
/** The account object as the current release has it. */
async function released(e: EngineProcess): Promise<Field[]> {
  const { data } = ok(await as(e)('GET', '/api/v1/meta/releases'));
  const n = Math.max(...data.map((r: { n: number }) => r.n));
  const release = ok(await as(e)('GET', `/api/v1/meta/releases/${n}`));
  return release.snapshot.objects.find((o: { apiName: string }) => o.apiName === 'account').fields;
}

/** The account table as the catalog has it: its columns, and the columns with a unique index of their own. */
async function table(): Promise<{ columns: string[]; unique: string[] }> {
  const columnsSql = `select column_name as name from information_schema.columns
    where table_schema = $1 and table_name = 'account' order by 1`;
  const uniqueSql = `select a.attname as name from pg_index i
    join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
    where n.nspname = $1 and c.relname = 'account' and i.indisunique and i.indnkeyatts = 1 order by 1`;
  const names = (rows: { name: string }[]) => rows.map((r) => r.name);
  if (admin) {
    const bind = (sql: string) => sql.replace('$1', '?');
    return {
      columns: names((await admin.raw(bind(columnsSql), [schema])).rows),
      unique: names((await admin.raw(bind(uniqueSql), [schema])).rows),
    };
  }
  // PGlite: the engine is stopped; its data folder is opened here, as the next engine would.
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir });
  try {
    return {
      columns: names((await db.query<{ name: string }>(columnsSql, [schema])).rows),
      unique: names((await db.query<{ name: string }>(uniqueSql, [schema])).rows),
    };
  } finally {
    await db.close();
  }
}

/** Draft edit: the named fields of account made unique, and new text fields added. */
async function draftAccount(e: EngineProcess, unique: string[], added: string[]) {
  const account = ok(await as(e)('GET', '/api/v1/meta/objects/account'));
  for (const f of account.fields) if (unique.includes(f.apiName)) f.unique = true;
  for (const apiName of added) account.fields.push({ apiName, type: 'text', label: apiName });
  ok(await as(e)('PUT', '/api/v1/meta/objects/account', account));
}

describe('kill -9 during a publish', () => {
  it('leaves schema and metadata both old or both new', { timeout: 600_000 }, async () => {
    if (ON_POSTGRES)
      admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 2 } });
    let e = await engine();
    const csv = [
      'name,account_number,phone',
      ...Array.from({ length: ROWS }, (_, i) => `Acc ${i},AN-${i},+1 555 ${i}`),
    ];
    const upload = ok(
      await as(e)('POST', '/api/v1/records/account/import', csv.join('\n'), { 'content-type': 'text/csv' }),
      202,
    );
    const job = await waitFor(
      async () => {
        const j = ok(await as(e)('GET', `/api/v1/imports/${upload.id}`));
        return j.status === 'completed' || j.status === 'failed' ? j : undefined;
      },
      'the import',
      300_000,
    );
    expect(job).toMatchObject({ status: 'completed', rowsProcessed: ROWS });

    // A like publish first (phone made unique), timed: PGlite's kill comes half-way through one.
    await draftAccount(e, ['phone'], []);
    const t0 = performance.now();
    ok(await as(e)('POST', '/api/v1/meta/publish'), 201);
    const publishMs = performance.now() - t0;

    await draftAccount(e, ['account_number'], ['region']);
    const before = { fields: await released(e), table: ON_POSTGRES ? await table() : undefined };
    expect(before.fields.find((f) => f.apiName === 'account_number')?.unique).toBeFalsy();

    let holder: Knex.Transaction | undefined;
    if (admin) {
      // Hold the table so the publish's DDL waits inside its transaction, where it is killed.
      holder = await admin.transaction();
      await holder.raw('lock table ?? in row exclusive mode', [`${schema}.account`]);
    }
    const publishing = as(e)('POST', '/api/v1/meta/publish').then(
      (res) => ({ answered: res.status }),
      () => ({ answered: 'no answer' as const }),
    );
    if (admin) {
      await waitFor(
        async () =>
          (
            await admin!.raw(
              `select 1 from pg_stat_activity where wait_event_type = 'Lock'
               and query ~* '^\\s*(alter table|create unique index)' and query like ?`,
              [`%${schema}%`],
            )
          ).rows[0],
        "the publish's DDL waiting inside its transaction",
      );
    } else {
      await new Promise((resolve) => setTimeout(resolve, publishMs / 2));
    }
    await killHard(e.child);
    await holder?.rollback();
    expect(await publishing).toEqual({ answered: 'no answer' });

    e = await engine();
    const fields = await released(e);
    const draft = ok(await as(e)('GET', '/api/v1/meta/objects/account'));
    if (!ON_POSTGRES) await killHard(e.child);
    const catalog = await table();
    const published = fields.some((f) => f.apiName === 'region');
    // One outcome for both: columns are the release's fields' (and the system's), unique where it says.
    expect(catalog.columns.includes('region')).toBe(published);
    expect(catalog.unique.includes('account_number')).toBe(published);
    expect(fields.find((f) => f.apiName === 'account_number')?.unique === true).toBe(published);
    expect(catalog.unique).toContain('phone');
    if (!published) {
      // Both old: the draft still holds the change, and it publishes now.
      expect(draft.fields.map((f: Field) => f.apiName)).toContain('region');
      if (before.table) expect(catalog).toEqual(before.table);
      if (!ON_POSTGRES) e = await engine();
      ok(await as(e)('POST', '/api/v1/meta/publish'), 201);
      if (!ON_POSTGRES) await killHard(e.child);
      const after = await table();
      expect(after.columns).toContain('region');
      expect(after.unique).toContain('account_number');
      if (!ON_POSTGRES) e = await engine();
    }
    // The unique index holds over the 100,000 records either way.
    const dup = await as(e)('POST', '/api/v1/records/account', { name: 'Twin', account_number: 'AN-7' });
    expect(dup.status, JSON.stringify(dup.body)).toBe(422);
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'account_number', code: 'unique' })]);
  });

  it('publishes once when two publishes come at once', { timeout: 120_000 }, async () => {
    const e = started.at(-1)!;
    const releases = async () => ok(await as(e)('GET', '/api/v1/meta/releases')).data.length as number;
    const count = await releases();
    await draftAccount(e, [], ['segment']);
    const [first, second] = await Promise.all([
      as(e)('POST', '/api/v1/meta/publish'),
      as(e)('POST', '/api/v1/meta/publish'),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    // One made the release with the new column; the other found the draft already published.
    // One ran the plan and made the release; the other, once it had the lock, found nothing left.
    const bodies = [first.body, second.body].sort((a, b) => b.plan.length - a.plan.length);
    expect(bodies.map((b) => b.plan.map((step: { op: string }) => step.op))).toEqual([['addColumn'], []]);
    expect(bodies[1].release).toBe(bodies[0].release);
    expect(await releases()).toBe(count + 1);
    expect((await released(e)).map((f) => f.apiName)).toContain('segment');
  });
});
