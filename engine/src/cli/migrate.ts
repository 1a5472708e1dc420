import { Command } from 'commander';
import { configFromEnv } from '../config.js';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../lib/log.js';
import { TenantRegistry } from '../tenants/registry.js';
import { action, examples, print } from './action.js';
import { databaseOf } from './registry.js';

/**
 * `tessera migrate`: brings the system tables of every tenant up to date and exits. It opens no
 * tenant (no first admin, no core pack): `tessera start` does that. Starting the server migrates
 * too; this is for deploying a new version before its servers start.
 */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description("bring every tenant's system tables up to date, then exit")
    .addHelpText(
      'after',
      examples('tessera migrate', 'DATABASE_URL=postgres://user:password@db-host:5432/crm tessera migrate'),
    )
    .action(action('could not migrate', run));
}

async function run(): Promise<void> {
  const config = configFromEnv();
  const db = await connect(databaseOf(config));
  try {
    await migrate(db.knex, config.schema);
    print(`tessera: tenant default (schema ${config.schema}) is up to date`);
    // The list of other tenants exists once a server has started on this database.
    if (!(await db.knex.schema.withSchema(config.schema).hasTable('_tenants'))) return;
    const registry = new TenantRegistry(db.knex, {
      defaultSchema: config.schema,
      sessionHours: config.sessionHours,
      installCore: false,
      admin: { email: config.adminEmail },
      logger: await createLogger({ fd: 2, level: 'warn' }),
    });
    for (const tenant of await registry.list()) {
      if (tenant.schema === config.schema) continue;
      await migrate(db.knex, tenant.schema);
      print(`tessera: tenant ${tenant.name} (schema ${tenant.schema}) is up to date`);
    }
  } finally {
    await db.close();
  }
}
