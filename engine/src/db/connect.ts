import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { lockDataDir } from './data-lock.js';

/**
 * One database handle for the whole engine. External PostgreSQL when a URL is given; otherwise
 * embedded PGlite (PostgreSQL in WASM) served on a private unix socket, so the same `pg` driver,
 * the same SQL and the same result parsing run in both modes.
 *
 * PGlite is a single connection, and its socket multiplexer deadlocks with several clients, so
 * embedded mode uses a pool of exactly one. Code that holds a transaction must pass the
 * transaction object down and never ask the pool for a second connection while it is open.
 */
export interface Database {
  knex: Knex;
  mode: 'postgres' | 'embedded';
  /** PostgreSQL only: the server's URL, for parts that keep a pool of their own (the job queue). */
  url?: string;
  /** Embedded only: the whole database as a tarball, to clone test databases from. */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string;
  /** Data folder for embedded mode; undefined keeps the embedded database in memory (tests). */
  dataDir?: string;
  /** Load an embedded database from a dump made by `dumpEmbedded` instead of creating one. */
  loadDump?: Blob;
  poolMax?: number;
}

const CONNECT_TIMEOUT_MS = 10_000;

// Dates stay as 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
const DATE_OID = 1082;
const types: Knex.PgCustomTypesConfig = {
  getTypeParser(oid, format): (value: string) => unknown {
    if (oid === DATE_OID) return (value: string) => value;
    // knex types the format as any string; pg only ever passes one of these two.
    return pg.types.getTypeParser(oid, format as 'text' | 'binary') as (value: string) => unknown;
  },
};

export async function connect(options: ConnectOptions): Promise<Database> {
  if (options.databaseUrl) {
    const knex = knexFactory({
      client: 'pg',
      // A server that does not answer a connect (a dropped network, a host that is gone) fails the
      // request in seconds, as a refused connect does at once, so callers get a 503 rather than
      // wait for the pool's timeout; the pool connects afresh on the next request.
      connection: { connectionString: options.databaseUrl, types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
    return { knex, mode: 'postgres', url: options.databaseUrl, close: () => knex.destroy() };
  }
  return connectEmbedded(options);
}

async function connectEmbedded(options: ConnectOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { citext } = await import('@electric-sql/pglite/contrib/citext');

  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  const db = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDump,
    extensions: { pg_trgm, citext },
  }).catch((e: unknown) => {
    unlock();
    throw e;
  });
  // A private folder keeps the socket unreachable for other local users.
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-'));
  fs.chmodSync(socketDir, 0o700);
  const server = new PGLiteSocketServer({ db, path: path.join(socketDir, '.s.PGSQL.5432') });
  await server.start();

  const knex = knexFactory({
    client: 'pg',
    connection: { host: socketDir, port: 5432, user: 'postgres', database: 'postgres', types },
    pool: { min: 1, max: 1 },
    acquireConnectionTimeout: 120_000,
  });
  return {
    knex,
    mode: 'embedded',
    dump: async () => {
      // The one connection may be idle in the pool; PGlite serialises the dump with it.
      return await db.dumpDataDir('none');
    },
    async close() {
      await knex.destroy();
      await server.stop();
      await db.close();
      unlock();
      fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
