import { configFromEnv } from './config.js';
import { connect } from './db/connect.js';
import { startEngine } from './engine.js';
import { Problem } from './errors.js';
import { TenantRegistry } from './tenants/registry.js';

/** `tessera start`: runs the engine with settings from the environment (see README). */
async function start() {
  const started = Date.now();
  const config = configFromEnv();
  const engine = await startEngine({
    ...config,
    database: config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
    log: (line) => console.log(`tessera: ${line}`),
  });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(`tessera: ready on http://localhost:${config.port} in ${Date.now() - started} ms, data in ${where}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('tessera: shutting down');
    await engine.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * `tessera tenant create <name> [--admin-email e] [--admin-password p]`: a new tenant in the
 * configured database. On embedded PGlite the server must be stopped first (one process owns the
 * data folder); on PostgreSQL it may run, and serves the tenant on its next request.
 */
async function createTenant(args: string[]) {
  const [name, ...flags] = args;
  const flag = (key: string) => {
    const i = flags.indexOf(key);
    return i >= 0 ? flags[i + 1] : undefined;
  };
  if (!name) throw new Error('usage: tessera tenant create <name> [--admin-email e] [--admin-password p]');
  const config = configFromEnv();
  const db = await connect(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const tenants = new TenantRegistry(db.knex, {
      defaultSchema: config.schema,
      sessionHours: config.sessionHours,
      installCore: true,
      admin: { email: config.adminEmail, ...(config.adminPassword ? { password: config.adminPassword } : {}) },
      log: (l) => console.log(`tessera: ${l}`),
    });
    await tenants.start();
    const created = await tenants.create({
      name,
      adminEmail: flag('--admin-email') ?? config.adminEmail,
      adminPassword: flag('--admin-password'),
    });
    const main = await tenants.find('default');
    await main!.audit.record(db.knex, null, 'tenant.create', name, { adminEmail: created.adminEmail, via: 'cli' });
    console.log(
      `tessera: created tenant ${name} (schema ${created.tenant.schema}); admin ${created.adminEmail}${created.adminPassword ? ` with password: ${created.adminPassword}   (shown once)` : ''}`,
    );
    console.log(`tessera: log in with POST /api/v1/auth/login {"tenant":"${name}","email":…,"password":…}`);
    await tenants.close();
  } finally {
    await db.close();
  }
}

const fail = (what: string) => (e: unknown) => {
  const detail =
    e instanceof Problem
      ? `${e.detail}: ${e.errors.map((x) => `${x.field} ${x.message}`).join('; ')}`
      : e instanceof Error
        ? e.message
        : String(e);
  console.error(`tessera: ${what}: ${detail}`);
  if (process.env.TESSERA_DEBUG) console.error(e);
  process.exit(1);
};

const [command = 'start', ...rest] = process.argv.slice(2);
if (command === 'start') {
  start().catch(fail('could not start'));
} else if (command === 'tenant' && rest[0] === 'create') {
  createTenant(rest.slice(1)).catch(fail('could not create the tenant'));
} else {
  console.error(`tessera: unknown command "${[command, ...rest].join(' ')}". Commands: start, tenant create <name>`);
  process.exit(2);
}
