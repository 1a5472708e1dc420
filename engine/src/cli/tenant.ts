import { Command } from 'commander';
import { action, examples, print } from './action.js';
import { withRegistry } from './registry.js';

/**
 * `tessera tenant create|list`. A tenant is a schema of its own with its first admin and the core
 * pack (tenants/registry.ts); the server serves a new one on its next request.
 */
export function tenantCommand(): Command {
  const tenant = new Command('tenant').description('create and list tenants');
  tenant
    .command('create')
    .description('create a tenant: its own schema, first admin and the core CRM pack')
    .argument('<name>', '2 to 30 lower-case letters, digits and _, starting with a letter')
    .option('--admin-email <email>', "the tenant's first admin (default: TESSERA_ADMIN_EMAIL)")
    .option('--admin-password <password>', 'their password, 10 characters or more (default: generated, printed once)')
    .addHelpText(
      'after',
      examples(
        'tessera tenant create acme --admin-email boss@acme.example',
        'tessera tenant create beta --admin-email it@beta.example --admin-password "correct horse battery"',
      ),
    )
    .action(action('could not create the tenant', create));
  tenant
    .command('list')
    .description('list the tenants: name, schema and when each was created')
    .addHelpText('after', examples('tessera tenant list'))
    .action(action('could not list the tenants', list));
  return tenant;
}

async function create(name: string, options: { adminEmail?: string; adminPassword?: string }): Promise<void> {
  await withRegistry(async ({ config, db, tenants }) => {
    const created = await tenants.create({
      name,
      adminEmail: options.adminEmail ?? config.adminEmail,
      adminPassword: options.adminPassword,
    });
    const main = await tenants.find('default');
    await main!.audit.record(db.knex, null, 'tenant.create', name, { adminEmail: created.adminEmail, via: 'cli' });
    print(
      `tessera: created tenant ${name} (schema ${created.tenant.schema}); admin ${created.adminEmail}` +
        (created.adminPassword ? ` with password: ${created.adminPassword}   (shown once)` : ''),
    );
    print(`tessera: log in with POST /api/v1/auth/login {"tenant":"${name}","email":…,"password":…}`);
  });
}

async function list(): Promise<void> {
  await withRegistry(async ({ tenants }) => {
    const rows = await tenants.list();
    const width = Math.max(...rows.map((r) => r.name.length));
    const schemaWidth = Math.max(...rows.map((r) => r.schema.length));
    for (const r of rows)
      print(`${r.name.padEnd(width)}  ${r.schema.padEnd(schemaWidth)}  ${r.createdAt ?? ''}`.trimEnd());
  });
}
