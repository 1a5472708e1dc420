import { Command } from 'commander';
import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import { generatePassword } from '../security/auth.service.js';
import { Access } from '../security/access.js';
import type { Principal } from '../security/principal.js';
import { SetupAudit } from '../security/setup-audit.js';
import { UsersService } from '../security/users.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { action, examples, print } from './action.js';
import { tenantNamed, withRegistry } from './registry.js';

/**
 * `tessera user create|deactivate|reset-password`: the users API's own service calls, made by an
 * admin that is nobody (whoever may run this command holds the database anyway). Their setup
 * audit entries name no user and say `via: "cli"`.
 */

/** A nil id: no user has it, so the service never takes the CLI for the user it changes. */
const CLI_USER_ID = '00000000-0000-0000-0000-000000000000';

const CLI_ADMIN: Principal = {
  id: CLI_USER_ID,
  email: 'cli',
  name: 'tessera CLI',
  isAdmin: true,
  role: null,
  permissionSets: [],
  groups: [],
  via: 'session',
};

class CliAudit extends SetupAudit {
  override record(
    db: Knex | Knex.Transaction,
    userId: string | null,
    action: string,
    target: string,
    detail?: unknown,
  ): Promise<void> {
    const fields = detail && typeof detail === 'object' ? (detail as Record<string, unknown>) : {};
    return super.record(db, userId === CLI_USER_ID ? null : userId, action, target, { ...fields, via: 'cli' });
  }
}

function usersOf(tenant: Tenant): { users: UsersService; access: Access } {
  const compiled = () => tenant.metadata.compiled;
  const db = tenant.auth.db;
  return {
    users: new UsersService(db, tenant.schema, compiled, new CliAudit(db, tenant.schema)),
    access: new Access(CLI_ADMIN, compiled()),
  };
}

/** The id of the user with this e-mail, or a problem naming the argument. */
async function idOf(users: UsersService, access: Access, email: string): Promise<string> {
  const wanted = email.trim().toLowerCase();
  const found = (await users.list(access, { q: wanted, limit: 500 })).find((u) => u.email === wanted);
  if (!found)
    throw new Problem('not-found', `there is no user ${wanted}`, [
      { field: 'email', code: 'notFound', message: 'no user of this tenant has this e-mail' },
    ]);
  return found.id as string;
}

const tenantOption = ['--tenant <name>', 'the tenant the user belongs to', 'default'] as const;

export function userCommand(): Command {
  const user = new Command('user').description('create users, deactivate them, reset their password');
  user
    .command('create')
    .description('create a user; with --admin, one who may do everything')
    .requiredOption('--email <email>', 'their e-mail, which they log in with')
    .requiredOption('--name <name>', 'their name as others see it')
    .option('--password <password>', '10 characters or more (default: generated, printed once)')
    .option('--admin', 'make them an admin')
    .option(...tenantOption)
    .addHelpText(
      'after',
      examples(
        'tessera user create --email ana@example.com --name "Ana Lima"',
        'tessera user create --email it@acme.example --name "IT" --admin --tenant acme',
      ),
    )
    .action(action('could not create the user', create));
  user
    .command('deactivate')
    .description('stop a user from signing in; their sessions and API tokens end now')
    .argument('<email>', 'their e-mail')
    .option(...tenantOption)
    .addHelpText(
      'after',
      examples('tessera user deactivate ana@example.com', 'tessera user deactivate it@acme.example --tenant acme'),
    )
    .action(action('could not deactivate the user', deactivate));
  user
    .command('reset-password')
    .description("set a user's password; their sessions and API tokens end now")
    .argument('<email>', 'their e-mail')
    .option('--password <password>', '10 characters or more (default: generated, printed once)')
    .option(...tenantOption)
    .addHelpText(
      'after',
      examples(
        'tessera user reset-password ana@example.com',
        'tessera user reset-password it@acme.example --tenant acme',
      ),
    )
    .action(action("could not reset the user's password", resetPassword));
  return user;
}

async function create(options: {
  email: string;
  name: string;
  password?: string;
  admin?: boolean;
  tenant: string;
}): Promise<void> {
  await withRegistry(async ({ tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    const { users, access } = usersOf(tenant);
    const password = options.password ?? generatePassword();
    const created = await users.create(
      { email: options.email, name: options.name, password, isAdmin: options.admin === true },
      access,
    );
    print(
      `tessera: created ${options.admin ? 'admin' : 'user'} ${String(created.email)} (id ${String(created.id)}) in tenant ${tenant.name}` +
        (options.password === undefined ? ` with password: ${password}   (shown once)` : ''),
    );
  });
}

async function deactivate(email: string, options: { tenant: string }): Promise<void> {
  await withRegistry(async ({ tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    const { users, access } = usersOf(tenant);
    const id = await idOf(users, access, email);
    await users.update(id, { active: false }, access);
    print(`tessera: deactivated ${email.trim().toLowerCase()} in tenant ${tenant.name}; their sessions have ended`);
  });
}

async function resetPassword(email: string, options: { password?: string; tenant: string }): Promise<void> {
  await withRegistry(async ({ tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    const { users, access } = usersOf(tenant);
    const id = await idOf(users, access, email);
    const password = options.password ?? generatePassword();
    await users.update(id, { password }, access);
    print(
      `tessera: reset the password of ${email.trim().toLowerCase()} in tenant ${tenant.name}; their sessions have ended` +
        (options.password === undefined ? `; new password: ${password}   (shown once)` : ''),
    );
  });
}
