import path from 'node:path';

/** Settings read from the environment once, at start-up. Everything has a working default. */
export interface Config {
  port: number;
  host: string;
  /** postgres://… to use an external PostgreSQL; unset means embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** The Postgres schema that holds the default tenant's metadata, records and audit. */
  schema: string;
  adminEmail: string;
  adminPassword?: string;
  /** How long a login token stays valid, in hours. */
  sessionHours: number;
  /** Browser origins allowed to call the API (CORS), from TESSERA_CORS_ORIGINS; none by default. */
  corsOrigins: string[];
  /**
   * Behind a reverse proxy: which proxies to believe about the client address and TLS
   * (express's "trust proxy", e.g. "loopback" or "1"), from TESSERA_TRUST_PROXY. Unset: none, so
   * X-Forwarded-For cannot move a client out of its login rate limit.
   */
  trustProxy?: string;
  /**
   * The job queue under workflow runs: a job whose engine stopped sending heartbeats this long ago
   * (TESSERA_JOB_HEARTBEAT_SECONDS, 30; at least 10) is run again, looked for every
   * TESSERA_JOB_SUPERVISE_SECONDS (30).
   */
  queue: { heartbeatSeconds?: number; superviseSeconds?: number };
  /**
   * Finished workflow runs (with their steps) and read notifications older than this many days
   * are deleted (TESSERA_RUN_RETENTION_DAYS, 90).
   */
  runRetentionDays: number;
  /**
   * An import whose job row has not moved for this many seconds is taken for one whose engine
   * stopped (killed, crashed) and is marked failed by any engine (TESSERA_IMPORT_STALE_SECONDS, 120).
   */
  importStaleSeconds: number;
  /**
   * Where CSV uploads wait while their import runs (TESSERA_IMPORT_DIR; the system's temp folder
   * by default): a volume with room for the largest file, times the imports running at once.
   */
  importDir?: string;
  /** The folder of installable packs (TESSERA_PACKS_DIR; the repository's plugins/ by default). */
  packsDir?: string;
  /**
   * The key encrypted fields are stored under (TESSERA_ENCRYPTION_KEY: 32 bytes as 64 hex digits
   * or base64), and the keys they were stored under before a rotation
   * (TESSERA_ENCRYPTION_OLD_KEYS, comma-separated). Unset on embedded PGlite: a key is made in
   * the data folder (cli/field-keys.ts).
   */
  encryptionKey?: string;
  encryptionOldKeys: string[];
  /**
   * Indexes that follow use (records/index-advisor.ts): how often the advisor runs
   * (TESSERA_INDEX_ADVISOR_SECONDS, 60), the rows a table needs before its sorts get an index
   * (TESSERA_INDEX_MIN_ROWS, 10,000), and the most it builds per object (TESSERA_INDEXES_PER_OBJECT, 8).
   */
  indexes: { intervalMs?: number; minRows?: number; perObject?: number };
}

/** A variable set but empty counts as unset: `TESSERA_DATA_DIR=` must not put the database in the current folder. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: env.PORT ? Number(env.PORT) : 3000,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    // npm runs workspace scripts inside engine/; INIT_CWD is where the user typed the command.
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), env.TESSERA_DATA_DIR || 'data'),
    schema: env.TESSERA_SCHEMA || 'tenant_default',
    adminEmail: env.TESSERA_ADMIN_EMAIL || 'admin@tessera.local',
    adminPassword: env.TESSERA_ADMIN_PASSWORD || undefined,
    sessionHours: env.TESSERA_SESSION_HOURS ? Number(env.TESSERA_SESSION_HOURS) : 12,
    corsOrigins: (env.TESSERA_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: env.TESSERA_TRUST_PROXY || undefined,
    queue: {
      ...(env.TESSERA_JOB_HEARTBEAT_SECONDS ? { heartbeatSeconds: Number(env.TESSERA_JOB_HEARTBEAT_SECONDS) } : {}),
      ...(env.TESSERA_JOB_SUPERVISE_SECONDS ? { superviseSeconds: Number(env.TESSERA_JOB_SUPERVISE_SECONDS) } : {}),
    },
    runRetentionDays: env.TESSERA_RUN_RETENTION_DAYS ? Number(env.TESSERA_RUN_RETENTION_DAYS) : 90,
    importStaleSeconds: env.TESSERA_IMPORT_STALE_SECONDS ? Number(env.TESSERA_IMPORT_STALE_SECONDS) : 120,
    ...(env.TESSERA_ENCRYPTION_KEY ? { encryptionKey: env.TESSERA_ENCRYPTION_KEY } : {}),
    encryptionOldKeys: (env.TESSERA_ENCRYPTION_OLD_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    indexes: {
      ...(env.TESSERA_INDEX_ADVISOR_SECONDS ? { intervalMs: Number(env.TESSERA_INDEX_ADVISOR_SECONDS) * 1000 } : {}),
      ...(env.TESSERA_INDEX_MIN_ROWS ? { minRows: Number(env.TESSERA_INDEX_MIN_ROWS) } : {}),
      ...(env.TESSERA_INDEXES_PER_OBJECT ? { perObject: Number(env.TESSERA_INDEXES_PER_OBJECT) } : {}),
    },
    ...(env.TESSERA_IMPORT_DIR
      ? { importDir: path.resolve(env.INIT_CWD ?? process.cwd(), env.TESSERA_IMPORT_DIR) }
      : {}),
    ...(env.TESSERA_PACKS_DIR ? { packsDir: path.resolve(env.INIT_CWD ?? process.cwd(), env.TESSERA_PACKS_DIR) } : {}),
  };
}
