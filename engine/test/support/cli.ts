import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll } from 'vitest';
import { ADMIN } from './admin.js';
import { ON_POSTGRES, startTestEngine, type TestEngine } from './test-engine.js';

/**
 * The `tessera` command as users run it (bin/tessera.mjs, the compiled engine) in a child
 * process, on a fresh PGlite data folder or a fresh PostgreSQL schema of a test file, and a
 * server on the same database to look at what it did. Embedded PGlite has one owner at a time,
 * so the server runs only while a check does.
 */

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliDatabase {
  /** A temporary folder of the test file's own (the PGlite data is in `data/` under it). */
  root: string;
  schema: string;
  /** Runs `tessera <args>` on the file's database. */
  tessera: (args: string[], env?: Record<string, string>) => Promise<Run>;
  /** A server on the file's database for the length of `check`. */
  withServer: <T>(check: (t: TestEngine) => Promise<T>) => Promise<T>;
}

const bin = path.resolve(import.meta.dirname, '../../bin/tessera.mjs');

/** The database a CLI test file works on, removed after its tests (with tenants and job queue). */
export function cliDatabase(prefix: string): CliDatabase {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-${prefix}-`));
  const dataDir = path.join(root, 'data');
  const schema = ON_POSTGRES ? `${prefix}_${crypto.randomBytes(6).toString('hex')}` : 'tenant_default';
  afterAll(async () => {
    fs.rmSync(root, { recursive: true, force: true });
    if (!ON_POSTGRES) return;
    const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    const { rows } = await admin.raw<{ rows: { nspname: string }[] }>(
      "select nspname from pg_namespace where nspname = ? or nspname like ? escape '!'",
      [schema, `${schema.replace(/_/g, '!_')}!_%`],
    );
    for (const { nspname } of rows) await admin.raw('drop schema if exists ?? cascade', [nspname]);
    await admin.destroy();
  });
  return {
    root,
    schema,
    tessera: (args, env = {}) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          {
            env: {
              ...process.env,
              TESSERA_SCHEMA: schema,
              TESSERA_DATA_DIR: dataDir,
              TESSERA_ADMIN_EMAIL: ADMIN.email,
              TESSERA_ADMIN_PASSWORD: ADMIN.password,
              ...env,
            },
            timeout: 120_000,
          },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      }),
    withServer: async (check) => {
      const t = await startTestEngine(ON_POSTGRES ? { schema, keepSchema: true } : { dataDir });
      try {
        return await check(t);
      } finally {
        await t.close();
      }
    },
  };
}
