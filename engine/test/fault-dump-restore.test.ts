import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { freePort, killHard, startProcess, type EngineProcess } from './support/process.js';
import { ON_POSTGRES, request, type ApiResponse } from './support/test-engine.js';

/**
 * Fault drill: a tenant backed up and restored into a database that never saw it, and served
 * from there by a new engine: the same users (the admin logs in with the same password, and a
 * token issued before the backup still works), the same releases and metadata, the same records,
 * and new writes go through. On PostgreSQL: pg_dump of the tenant's schema and its job queue's
 * (taken while the engine serves), pg_restore into a fresh database made with createdb, where
 * the operator first creates the pg_trgm extension the tenant's search indexes use. On embedded
 * PGlite: the data folder copied while the engine is stopped.
 */

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dump-'));
const schema = ON_POSTGRES ? `test_${crypto.randomBytes(6).toString('hex')}` : 'tenant_default';
const freshDb = `tessera_restore_${crypto.randomBytes(6).toString('hex')}`;
const started: EngineProcess[] = [];

/** The shared server's connection, as pg_dump and friends take it. */
const server = ON_POSTGRES ? new URL(process.env.DATABASE_URL!) : undefined;
const pgArgs = () => ['-h', server!.hostname, '-p', server!.port || '5432', '-U', server!.username || 'postgres'];
const pgTool = (tool: string, args: string[]) => execFileSync(tool, [...pgArgs(), ...args], { stdio: 'pipe' });

afterAll(async () => {
  for (const e of started) await killHard(e.child);
  fs.rmSync(root, { recursive: true, force: true });
  if (ON_POSTGRES) {
    pgTool('dropdb', ['--if-exists', '--force', freshDb]);
    const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    for (const s of [schema, `${schema}_jobs`]) await admin.raw('drop schema if exists ?? cascade', [s]);
    await admin.destroy();
  }
});

async function engine(dataDir: string, env: Record<string, string> = {}): Promise<EngineProcess> {
  const e = await startProcess(await freePort(), { dataDir, schema }, env);
  started.push(e);
  return e;
}

const ok = (res: ApiResponse, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const as =
  (e: EngineProcess, token = e.token) =>
  (method: string, p: string, body?: unknown) =>
    request(e.url, method, p, body, { authorization: `Bearer ${token}` });

/** SIGTERM, and wait until the engine has shut down. */
async function stop(e: EngineProcess): Promise<void> {
  const gone = new Promise<void>((resolve) => e.child.once('exit', () => resolve()));
  e.child.kill('SIGTERM');
  await gone;
}

/** What a restore must bring back: releases, metadata, records. */
async function state(e: EngineProcess, token = e.token) {
  const api = as(e, token);
  const account = ok(await api('GET', '/api/v1/meta/objects/account'));
  const records = ok(await api('GET', '/api/v1/records/account?sort=name&limit=100&fields=name,tier'));
  return {
    releases: ok(await api('GET', '/api/v1/meta/releases')).data.map((r: { n: number }) => r.n),
    fields: account.fields.map((f: { apiName: string }) => f.apiName),
    records: records.data.map((r: { name: string; tier: string }) => [r.name, r.tier]),
  };
}

describe(ON_POSTGRES ? 'pg_dump and pg_restore of a tenant' : 'a copy of the PGlite data folder', () => {
  it('is served by a new engine with its users, metadata and records', { timeout: 240_000 }, async () => {
    const original = await engine(path.join(root, 'original'));
    const api = as(original);
    const account = ok(await api('GET', '/api/v1/meta/objects/account'));
    account.fields.push({ apiName: 'tier', type: 'text', label: { en: 'Tier', 'zh-CN': '等级' } });
    ok(await api('PUT', '/api/v1/meta/objects/account', account));
    ok(await api('POST', '/api/v1/meta/publish', {}), 201);
    for (const [name, tier] of [
      ['Backup Alpha', 'gold'],
      ['Backup Beta', 'silver'],
      ['Backup Gamma', 'gold'],
    ])
      ok(await api('POST', '/api/v1/records/account', { name, tier }), 201);
    const before = await state(original);
    expect(before.fields).toContain('tier');
    expect(before.records).toEqual([
      ['Backup Alpha', 'gold'],
      ['Backup Beta', 'silver'],
      ['Backup Gamma', 'gold'],
    ]);

    let env: Record<string, string> = {};
    let copy = path.join(root, 'original');
    if (server) {
      const dump = path.join(root, 'tenant.dump');
      pgTool('pg_dump', ['-d', server.pathname.slice(1), '-n', schema, '-n', `${schema}_jobs`, '-Fc', '-f', dump]);
      pgTool('createdb', [freshDb]);
      pgTool('psql', ['-d', freshDb, '-v', 'ON_ERROR_STOP=1', '-c', 'create extension pg_trgm']);
      pgTool('pg_restore', ['-d', freshDb, '--exit-on-error', dump]);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${freshDb}`;
      env = { DATABASE_URL: url.toString() };
      // The original goes on serving from its own database; the restore is another.
      ok(await api('POST', '/api/v1/records/account', { name: 'After Backup', tier: 'bronze' }), 201);
    } else {
      await stop(original);
      copy = path.join(root, 'copy');
      fs.cpSync(path.join(root, 'original'), copy, { recursive: true });
    }

    const restored = await engine(copy, env);
    // The token issued before the backup: sessions came back with the users.
    expect(await state(restored, original.token)).toEqual(before);
    const created = ok(
      await as(restored)('POST', '/api/v1/records/account', { name: 'Restored Delta', tier: 'gold' }),
      201,
    );
    const gold = ok(
      await as(restored)('GET', `/api/v1/records/account?filter=${encodeURIComponent('{"tier":"gold"}')}&fields=name`),
    );
    expect(gold.data.map((r: { name: string }) => r.name).sort()).toEqual([
      'Backup Alpha',
      'Backup Gamma',
      'Restored Delta',
    ]);
    expect(created.tier).toBe('gold');
    expect(ok(await request(restored.url, 'POST', '/api/v1/auth/login', ADMIN)).token).toEqual(expect.any(String));
  });
});
