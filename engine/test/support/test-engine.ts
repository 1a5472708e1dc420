import crypto from 'node:crypto';
import fs from 'node:fs';
import knexFactory from 'knex';
import { inject } from 'vitest';
import { startEngine, type Engine } from '../../src/engine.js';
import type { ConnectOptions } from '../../src/db/connect.js';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/lib/log.js';
import type { QueueOptions } from '../../src/automation/queue.js';
import { ADMIN } from './admin.js';

/**
 * A real engine for a test file: real HTTP on 127.0.0.1, real database. With DATABASE_URL set it
 * runs on PostgreSQL in a schema of its own; otherwise on embedded PGlite cloned from the
 * template the global setup built (or in a data folder, for restart tests).
 */

export const ON_POSTGRES = !!process.env.DATABASE_URL;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestEngine {
  engine: Engine;
  url: string;
  schema: string;
  token: string;
  api: <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<ApiResponse<T>>;
  /** Runs SQL straight against the database, to check what is (not) written. */
  sql<T = any>(text: string, bindings?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestEngineOptions {
  /** Embedded only: keep data in this folder (for restart tests) instead of cloning the template. */
  dataDir?: string;
  /** Reuse a schema (PostgreSQL restart tests). */
  schema?: string;
  keepSchema?: boolean;
  /** Browser origins allowed by CORS. */
  corsOrigins?: string[];
  /** express "trust proxy" (TESSERA_TRUST_PROXY). */
  trustProxy?: string;
  /** Where the engine logs (a test reads its lines); the process's logger otherwise. */
  logger?: Logger;
  /** The folder of installable packs (TESSERA_PACKS_DIR). */
  packsDir?: string;
  /** The job queue under workflow runs (a shorter heartbeat for crash tests). */
  queue?: Partial<QueueOptions>;
  /** Where CSV uploads wait (TESSERA_IMPORT_DIR); the system's temp folder by default. */
  importDir?: string;
  /** The index advisor's settings (TESSERA_INDEX_*); it runs every minute by default. */
  indexes?: Config['indexes'];
  /** The keys of encrypted fields; TEST_FIELD_KEY by default, null for none. */
  encryptionKeys?: { current: Buffer; old?: Buffer[] } | null;
}

/** The key encrypted fields are stored under in tests (32 bytes). */
export const TEST_FIELD_KEY = Buffer.alloc(32, 7);

export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const schema = options.schema ?? (ON_POSTGRES ? `test_${crypto.randomBytes(6).toString('hex')}` : 'tenant_default');
  let database: ConnectOptions;
  if (ON_POSTGRES) database = { databaseUrl: process.env.DATABASE_URL };
  else if (options.dataDir) database = { dataDir: options.dataDir };
  else database = { loadDump: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) };

  const engine = await startEngine({
    port: 0,
    host: '127.0.0.1',
    schema,
    sessionHours: 1,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    database,
    corsOrigins: options.corsOrigins ?? [],
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.packsDir ? { packsDir: options.packsDir } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.importDir ? { importDir: options.importDir } : {}),
    ...(options.indexes ? { indexes: options.indexes } : {}),
    ...(options.encryptionKeys === null
      ? {}
      : { encryptionKeys: options.encryptionKeys ?? { current: TEST_FIELD_KEY } }),
  });
  const url = engine.url;
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(url, method, path, body, headers);
  const login = await api('POST', '/api/v1/auth/login', ADMIN);
  if (login.status !== 200) throw new Error(`test login failed: ${JSON.stringify(login.body)}`);
  const token = login.body.token as string;
  return {
    engine,
    url,
    schema,
    token,
    api: (method, path, body, headers = {}) =>
      api(method, path, body, { authorization: `Bearer ${token}`, ...headers }),
    sql: async (text, bindings = []) => (await engine.db.knex.raw(text, bindings as any)).rows,
    async close() {
      await engine.close();
      if (ON_POSTGRES && !options.keepSchema) {
        const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
        // The tenant's schema, those of the tenants it created (<schema>__name) and its job queue's.
        const { rows } = await admin.raw(
          "select nspname from pg_namespace where nspname in (?, ?) or nspname like ? escape '!'",
          [schema, `${schema}_jobs`, `${schema.replace(/_/g, '!_')}!_!_%`],
        );
        for (const { nspname } of rows) await admin.raw('drop schema if exists ?? cascade', [nspname]);
        await admin.destroy();
      }
    },
  };
}

/** One HTTP request to a test engine: a JSON body is sent as JSON, the answer parsed when it is JSON. */
export async function request(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as any, headers: res.headers };
}

/**
 * Reads a corpus file from engine/test/corpus (a copy of the team corpus, plus our own cases): one case a line, #
 * comments skipped.
 */
export function corpus(name: string): string[] {
  const file = new URL(`../corpus/${name}`, import.meta.url);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/**
 * The engine's background work (the automation worker's passes: outbox, schedules, pruning, the
 * tenant list) reads and writes these tables on its own clock, whatever a request does.
 */
const BACKGROUND = /_automation_|_notifications|_tenants\b/;

/**
 * How many SQL statements the engine sends for `run` (a test asserts a request's count), the
 * background work's left out: it may land in the middle of any request.
 */
export function statementCounter(
  t: TestEngine,
): <T>(run: () => Promise<T>) => Promise<{ result: T; statements: number }> {
  let statements = 0;
  t.engine.db.knex.on('query', (q: { sql?: string }) => {
    if (!BACKGROUND.test(q.sql ?? '')) statements++;
  });
  return async (run) => {
    statements = 0;
    const result = await run();
    return { result, statements };
  };
}
