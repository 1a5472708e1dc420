import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './api/app.js';
import { DEFAULT_QUEUE_OPTIONS, JobQueue, type QueueOptions } from './automation/queue.js';
import { AutomationWorker } from './automation/worker.js';
import { emailTransportFromEnv } from './automation/email/transport.js';
import type { Config } from './config.js';
import { connect, type ConnectOptions, type Database } from './db/connect.js';
import { listen } from './db/listen.js';
import { STAMP_CHANNEL } from './db/stamp.js';
import { setFieldKeys } from './lib/field-cipher.js';
import { log, type Logger } from './lib/log.js';
import type { MetadataService } from './metadata/metadata.service.js';
import type { ImportJobs } from './records/import-jobs.js';
import type { RecordsService } from './records/records.service.js';
import type { AuthService } from './security/auth.service.js';
import { TenantRegistry } from './tenants/registry.js';
import type { Tenant } from './tenants/tenant.js';

/**
 * Wires the engine together: database, the default tenant (system tables, first admin and core
 * pack on first start), the other tenants on first use, and the HTTP server. Tests start it
 * exactly like `npm start` does. The services of the default tenant are exposed for tests.
 */

export interface Engine {
  db: Database;
  tenants: TenantRegistry;
  automation: AutomationWorker;
  metadata: MetadataService;
  records: RecordsService;
  imports: ImportJobs;
  auth: AuthService;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions
  extends
    Pick<Config, 'schema' | 'adminEmail' | 'adminPassword' | 'sessionHours'>,
    Partial<
      Pick<
        Config,
        'corsOrigins' | 'trustProxy' | 'runRetentionDays' | 'packsDir' | 'importStaleSeconds' | 'importDir' | 'indexes'
      >
    > {
  port: number;
  host: string;
  database: ConnectOptions;
  /** Install the core CRM pack on first start (tests of the bare engine turn it off). */
  installCore?: boolean;
  /** Start-up lines, one line per request, errors; the process's logger (lib/log.ts) by default. */
  logger?: Logger;
  /** The job queue under workflow runs (tests shorten the heartbeat). */
  queue?: Partial<QueueOptions>;
  /** How long a webhook delivery may take (10 s). */
  webhookTimeoutMs?: number;
  /** The keys of encrypted fields (lib/field-cipher.ts); none: encrypted fields cannot be published. */
  encryptionKeys?: { current: Buffer; old?: Buffer[] };
}

/** How long a shutdown waits for requests under way before it closes their connections. */
const CLOSE_GRACE_MS = 10_000;

export async function startEngine(options: StartOptions): Promise<Engine> {
  const logger = options.logger ?? log;
  setFieldKeys(options.encryptionKeys);
  let ready = false;
  let closing = false;
  /** Answers under way, told to close their connection when the engine stops. */
  const answering = new Set<http.ServerResponse>();
  const db = await connect(options.database);
  const queue = new JobQueue(db, options.schema, { ...DEFAULT_QUEUE_OPTIONS, ...options.queue }, logger);
  const email = emailTransportFromEnv(process.env, (m) =>
    logger.info({ to: m.to, subject: m.subject }, 'e-mail logged, not sent (set TESSERA_SMTP_URL to send)'),
  );
  const tenants = new TenantRegistry(db.knex, {
    automation: {
      ready: async () => void (await queue.start()),
      enqueue: (trx, tenant, runs, delayMs) =>
        queue.send(
          trx,
          runs.map((r) => ({ tenant, runId: r.id, ...(r.record_id ? { record: r.record_id } : {}) })),
          delayMs,
        ),
      email,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
      runRetentionDays: options.runRetentionDays ?? 90,
    },
    defaultSchema: options.schema,
    sessionHours: options.sessionHours,
    installCore: options.installCore !== false,
    ...(options.packsDir ? { packsDir: options.packsDir } : {}),
    ...(options.importStaleSeconds ? { importStaleMs: options.importStaleSeconds * 1000 } : {}),
    ...(options.importDir ? { importDir: options.importDir } : {}),
    // A serving engine advises (every minute unless set); CLI commands open tenants without.
    indexes: options.indexes ?? {},
    admin: { email: options.adminEmail, ...(options.adminPassword ? { password: options.adminPassword } : {}) },
    logger,
  });
  const automation = new AutomationWorker(
    queue,
    {
      opened: () => tenants.allOpened(),
      names: async () => (await tenants.list()).map((t) => t.name),
      find: (name) => tenants.find(name),
    },
    logger,
  );
  let server: http.Server | undefined;
  let main: Tenant;
  try {
    main = await tenants.start();
    const app = buildApp({
      tenants,
      main,
      corsOrigins: options.corsOrigins ?? [],
      ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
      isReady: () => ready,
      logger,
    });
    server = http.createServer((req, res) => {
      if (closing) res.setHeader('Connection', 'close');
      else {
        answering.add(res);
        res.once('close', () => answering.delete(res));
      }
      app(req, res);
    });
    // A client reusing a kept-alive connection the server has just closed as idle gets a reset
    // for a request that never arrived (the soak saw it on PATCHes). Node closes them after 5 s;
    // longer than the idle timeouts clients and balancers use (nginx 60 s, AWS ALB 60 s), the
    // client side closes first and the race is gone.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port, options.host, resolve);
    });
  } catch (e) {
    server?.close();
    await tenants.close();
    await db.close();
    throw e;
  }
  automation.start();
  // On PostgreSQL the capture triggers' NOTIFY wakes the worker at once; polling is the floor.
  const outbox = db.url ? listen(db.url, 'tessera_outbox', () => void automation.tick(), logger) : undefined;
  // Another engine process published (or changed what processes compile): catch up at once; the
  // session checks catch what a dropped connection missed (db/stamp.ts).
  const refresh = (schema?: string) => {
    for (const tenant of tenants.allOpened()) {
      if (schema !== undefined && tenant.schema !== schema) continue;
      tenant.freshness
        .refresh()
        .catch((err: unknown) => logger.warn({ err, tenant: tenant.name }, 'could not reload the tenant'));
    }
  };
  const stamps = db.url ? listen(db.url, STAMP_CHANNEL, refresh, logger, () => refresh()) : undefined;
  ready = true;
  const address = server.address() as AddressInfo;
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? 'localhost'
        : address.address;
  return {
    db,
    tenants,
    automation,
    metadata: main.metadata,
    records: main.records,
    imports: main.imports,
    auth: main.auth,
    server,
    url: `http://${host}:${address.port}`,
    async close() {
      ready = false;
      // A client that keeps its kept-alive connection busy would hold the close open for ever:
      // every answer from now on ends its connection, and the client reconnects elsewhere.
      closing = true;
      for (const res of answering) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests under way get their answers; what still holds a connection after that is cut.
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
      await outbox?.close();
      await stamps?.close();
      await automation.stop();
      email.close();
      await tenants.close();
      await db.close();
    },
  };
}
