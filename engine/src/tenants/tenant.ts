import type { Router } from 'express';
import type { Knex } from 'knex';
import type { HotRoutes } from '../api/hot-routes.js';
import { migrate } from '../db/migrate.js';
import { MetadataService } from '../metadata/metadata.service.js';
import { CORE_PACK_DIR, readPack } from '../packs/core-pack.js';
import { CurrencyService } from '../records/currencies.js';
import { ImportJobs } from '../records/import-jobs.js';
import { RecordsService } from '../records/records.service.js';
import { AuthService, generatePassword } from '../security/auth.service.js';
import { SetupAudit } from '../security/setup-audit.js';

/**
 * One tenant: a Postgres schema with its own metadata, records, users, sessions and audit, and
 * the services that work on it. Nothing in one tenant's services can name another's schema: every
 * table they touch is qualified with their own.
 */

export interface Tenant {
  name: string;
  schema: string;
  metadata: MetadataService;
  records: RecordsService;
  auth: AuthService;
  currencies: CurrencyService;
  imports: ImportJobs;
  audit: SetupAudit;
  /** The tenant's /api router, built once (api/tenant-api.ts). */
  api?: Router;
  /** Its list page and create handlers on the host's flat routes (api/hot-routes.ts). */
  hot?: HotRoutes;
}

export interface OpenOptions {
  name: string;
  schema: string;
  sessionHours: number;
  /** Prefix of the tenant's tokens ("acme."), so a token names the tenant that issued it. */
  tokenPrefix: string;
  /** The first admin, created when the tenant has no user yet. */
  admin: { email: string; password?: string };
  installCore: boolean;
  log: (line: string) => void;
}

/** Migrates the schema, creates the first admin and installs the core pack when new, then loads it. */
export async function openTenant(knex: Knex, options: OpenOptions): Promise<Tenant> {
  const { schema } = options;
  const metadata = new MetadataService(knex, schema);
  const auth = new AuthService(knex, schema, options.sessionHours, options.tokenPrefix);
  const currencies = new CurrencyService(knex, schema);
  const records = new RecordsService(knex, schema, () => metadata.compiled, currencies);
  const imports = new ImportJobs(
    knex,
    schema,
    () => metadata.compiled,
    () => currencies.corporate,
  );
  await migrate(knex, schema);
  if ((await auth.countUsers()) === 0) {
    const password = options.admin.password ?? generatePassword();
    await auth.createUser({ email: options.admin.email, name: 'Administrator', password, isAdmin: true });
    const where = options.name === 'default' ? '' : ` of tenant ${options.name}`;
    options.log(
      options.admin.password
        ? `created admin ${options.admin.email}${where} with the given password`
        : `created admin ${options.admin.email}${where} with password: ${password}   (shown once; set TESSERA_ADMIN_PASSWORD to choose it)`,
    );
  }
  if (options.installCore && (await metadata.installIfEmpty(readPack(CORE_PACK_DIR).snapshot))) {
    options.log(
      `installed the core CRM pack as release 1${options.name === 'default' ? '' : ` in tenant ${options.name}`}`,
    );
  }
  await metadata.load();
  await currencies.load();
  await imports.recover();
  return {
    name: options.name,
    schema,
    metadata,
    records,
    auth,
    currencies,
    imports,
    audit: new SetupAudit(knex, schema),
  };
}
