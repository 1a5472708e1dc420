import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './api/app.js';
import type { Config } from './config.js';
import { connect, type ConnectOptions, type Database } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { MetadataService } from './metadata/metadata.service.js';
import { CORE_PACK_DIR, readPack } from './packs/core-pack.js';
import { CurrencyService } from './records/currencies.js';
import { ImportJobs } from './records/import-jobs.js';
import { RecordsService } from './records/records.service.js';
import { AuthService, generatePassword } from './security/auth.service.js';

/**
 * Wires the engine together: database, system tables, first-start set-up (admin, core pack),
 * services and the HTTP server. Tests start it exactly like `npm start` does.
 */

export interface Engine {
  db: Database;
  metadata: MetadataService;
  records: RecordsService;
  imports: ImportJobs;
  auth: AuthService;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions extends Pick<Config, 'schema' | 'adminEmail' | 'adminPassword' | 'sessionHours'>, Partial<Pick<Config, 'corsOrigins'>> {
  port: number;
  host: string;
  database: ConnectOptions;
  /** Install the core CRM pack on first start (tests of the bare engine turn it off). */
  installCore?: boolean;
  log?: (line: string) => void;
}

export async function startEngine(options: StartOptions): Promise<Engine> {
  const log = options.log ?? (() => {});
  let ready = false;
  const db = await connect(options.database);
  const metadata = new MetadataService(db.knex, options.schema);
  const auth = new AuthService(db.knex, options.schema, options.sessionHours);
  const currencies = new CurrencyService(db.knex, options.schema);
  const records = new RecordsService(db.knex, options.schema, () => metadata.compiled, currencies);
  const imports = new ImportJobs(db.knex, options.schema, () => metadata.compiled, () => currencies.corporate);
  const app = buildApp({ knex: db.knex, auth, metadata, records, imports, currencies, corsOrigins: options.corsOrigins ?? [], isReady: () => ready });
  const server = http.createServer(app);
  try {
    await migrate(db.knex, options.schema);
    if ((await auth.countUsers()) === 0) {
      const password = options.adminPassword ?? generatePassword();
      await auth.createUser({ email: options.adminEmail, name: 'Administrator', password, isAdmin: true });
      log(options.adminPassword
        ? `created admin ${options.adminEmail} with the password from TESSERA_ADMIN_PASSWORD`
        : `created admin ${options.adminEmail} with password: ${password}   (shown once; set TESSERA_ADMIN_PASSWORD to choose it)`);
    }
    if (options.installCore !== false && (await metadata.installIfEmpty(readPack(CORE_PACK_DIR).snapshot))) {
      log('installed the core CRM pack as release 1');
    }
    await metadata.load();
    await currencies.load();
    await imports.recover();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, resolve);
    });
  } catch (e) {
    server.close();
    await imports.close();
    await db.close();
    throw e;
  }
  ready = true;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? 'localhost' : address.address;
  return {
    db, metadata, records, imports, auth, server,
    url: `http://${host}:${address.port}`,
    async close() {
      ready = false;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await imports.close();
      await db.close();
    },
  };
}
