import { configFromEnv, type Config } from '../config.js';
import { connect, type ConnectOptions, type Database } from '../db/connect.js';
import { Problem } from '../errors.js';
import { createLogger } from '../lib/log.js';
import { setFieldKeys } from '../lib/field-cipher.js';
import { TenantRegistry } from '../tenants/registry.js';
import { fieldKeysOf } from './field-keys.js';
import type { Tenant } from '../tenants/tenant.js';

/**
 * The database and tenants a management command works on, from the same settings as
 * `tessera start`. On embedded PGlite one process owns the data folder, so these commands run
 * while the server is stopped; on PostgreSQL the server may keep running.
 */

export const databaseOf = (config: Config): ConnectOptions =>
  config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };

export interface Opened {
  config: Config;
  db: Database;
  tenants: TenantRegistry;
}

/**
 * Runs `work` with the tenant registry open (on a new database: the first admin and the core
 * pack, as a first start makes them), then closes everything. Log lines go to stderr, so stdout
 * holds only the command's answer.
 */
export async function withRegistry<T>(work: (opened: Opened) => Promise<T>): Promise<T> {
  const config = configFromEnv();
  const logger = await createLogger({ fd: 2 });
  setFieldKeys(fieldKeysOf(config, logger));
  const db = await connect(databaseOf(config));
  try {
    const tenants = new TenantRegistry(db.knex, {
      defaultSchema: config.schema,
      sessionHours: config.sessionHours,
      installCore: true,
      ...(config.packsDir ? { packsDir: config.packsDir } : {}),
      admin: { email: config.adminEmail, ...(config.adminPassword ? { password: config.adminPassword } : {}) },
      logger,
    });
    try {
      await tenants.start();
      return await work({ config, db, tenants });
    } finally {
      await tenants.close();
    }
  } finally {
    await db.close();
  }
}

/** The open tenant of that name, or a problem naming the --tenant option. */
export async function tenantNamed(tenants: TenantRegistry, name: string): Promise<Tenant> {
  const tenant = await tenants.find(name);
  if (!tenant)
    throw new Problem('not-found', `there is no tenant "${name}"`, [
      { field: '--tenant', code: 'notFound', message: 'tessera tenant list shows the tenants' },
    ]);
  return tenant;
}
