import type { Knex } from 'knex';
import type { Logger } from '../lib/log.js';
import { syncCapture } from '../automation/capture.js';
import { forgetInactiveSchedules } from '../automation/scheduler.js';
import { Approvals } from '../automation/approvals.js';
import { Notifications } from '../automation/notifications.js';
import { RunStore } from '../automation/run-store.js';
import { AutomationService, type EngineAutomation } from '../automation/automation.service.js';
import { migrate } from '../db/migrate.js';
import { Freshness, readStamp } from '../db/stamp.js';
import { MetadataService } from '../metadata/metadata.service.js';
import { CORE_PACK_DIR, readPack } from '../packs/pack-files.js';
import { PacksService } from '../packs/packs.service.js';
import { packLocks } from '../packs/pack-locks.js';
import { draftChecks } from '../query/draft-checks.js';
import { CurrencyService } from '../records/currencies.js';
import { CsvExporter } from '../records/csv-export.js';
import { ImportJobs } from '../records/import-jobs.js';
import { DEFAULT_INDEX_OPTIONS, IndexAdvisor, type IndexAdvisorOptions } from '../records/index-advisor.js';
import { IndexUsage } from '../records/index-usage.js';
import { RecordsService } from '../records/records.service.js';
import { RuleEditorService } from '../records/rule-test.js';
import { refreshPublishedRollups } from '../records/rollups.js';
import { search, type SearchHit, type SearchInput } from '../records/search.js';
import type { Access } from '../security/access.js';
import { AuthService, generatePassword } from '../security/auth.service.js';
import type { Caller } from '../security/caller.js';
import { explainAccess } from '../security/explain.js';
import { SetupAudit } from '../security/setup-audit.js';
import { SharesService } from '../security/shares.service.js';
import { UsersService } from '../security/users.service.js';
import { UserViewsService } from '../views/user-views.service.js';

/**
 * One tenant: a Postgres schema with its own metadata, records, users, sessions and audit, and
 * the services that work on it. Nothing in one tenant's services can name another's schema: every
 * table they touch is qualified with their own.
 */

export interface Tenant {
  name: string;
  schema: string;
  metadata: MetadataService;
  /** The stamp this process compiled the tenant at; refresh() catches up with another process's change. */
  freshness: Freshness;
  records: RecordsService;
  auth: AuthService;
  currencies: CurrencyService;
  imports: ImportJobs;
  /** Indexes that follow the list shapes users run (records/index-advisor.ts). */
  indexes: IndexAdvisor;
  exporter: CsvExporter;
  audit: SetupAudit;
  users: UsersService;
  shares: SharesService;
  views: UserViewsService;
  automation: AutomationService;
  notifications: Notifications;
  approvals: Approvals;
  packs: PacksService;
  /** The studio's rule editor: check a rule as saving would, test it on a record. */
  rules: RuleEditorService;
  search: (input: SearchInput, access: Access) => Promise<SearchHit[]>;
  /** Who may do what to one record, and why (GET …/{id}/access). */
  explain: (object: string, id: string, userId: unknown, caller: Caller) => ReturnType<typeof explainAccess>;
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
  packsDir?: string;
  /** An import whose job row has not moved for this long is taken for one whose engine stopped. */
  importStaleMs?: number;
  /** Where CSV uploads wait while their import runs; the system's temp folder when unset. */
  importDir?: string;
  /** The index advisor's settings; left out, it never runs on its own (CLI commands). */
  indexes?: Partial<IndexAdvisorOptions>;
  logger: Logger;
  /** The engine's job queue and mail; CLI commands, which run no workflows, have none. */
  automation?: EngineAutomation;
}

const noAutomation: EngineAutomation = {
  ready: () => Promise.reject(new Error('this process runs no workflows')),
  enqueue: () => Promise.reject(new Error('this process runs no workflows')),
  email: { send: () => Promise.reject(new Error('this process sends no e-mail')), close: () => undefined },
  webhookTimeoutMs: 0,
  runRetentionDays: 90,
};

/** Migrates the schema, creates the first admin and installs the core pack when new, then loads it. */
export async function openTenant(knex: Knex, options: OpenOptions): Promise<Tenant> {
  const { schema } = options;
  const currencies = new CurrencyService(knex, schema, () => freshness.refresh());
  const freshness = new Freshness(
    () => readStamp(knex, schema),
    async () => {
      await metadata.load();
      await currencies.load();
    },
  );
  const metadata = new MetadataService(knex, schema, {
    checks: draftChecks,
    recordSteps: [refreshPublishedRollups, syncCapture, forgetInactiveSchedules],
    locks: packLocks(schema),
    reload: () => freshness.refresh(),
  });
  const auth = new AuthService(knex, schema, options.sessionHours, options.tokenPrefix, freshness);
  const indexes = new IndexAdvisor(
    knex,
    schema,
    () => metadata.compiled,
    new IndexUsage(knex, schema),
    options.logger,
    // Settings given (a serving engine, even with none set): its timer runs; none (a CLI command): never.
    options.indexes ? { ...DEFAULT_INDEX_OPTIONS, ...options.indexes } : { ...DEFAULT_INDEX_OPTIONS, intervalMs: 0 },
  );
  const records = new RecordsService(knex, schema, () => metadata.compiled, currencies, indexes.usage);
  const imports = new ImportJobs(
    knex,
    schema,
    () => metadata.compiled,
    () => currencies.corporate,
    options.logger,
    {
      ...(options.importStaleMs
        ? { staleMs: options.importStaleMs, intervalMs: Math.min(60_000, options.importStaleMs / 2) }
        : {}),
      ...(options.importDir ? { folder: options.importDir } : {}),
    },
  );
  await migrate(knex, schema);
  if ((await auth.countUsers()) === 0) {
    const password = options.admin.password ?? generatePassword();
    await auth.createUser({ email: options.admin.email, name: 'Administrator', password, isAdmin: true });
    const where = options.name === 'default' ? '' : ` of tenant ${options.name}`;
    options.logger.info(
      options.admin.password
        ? `created admin ${options.admin.email}${where} with the given password`
        : `created admin ${options.admin.email}${where} with password: ${password}   (shown once; set TESSERA_ADMIN_PASSWORD to choose it)`,
    );
  }
  if (options.installCore && (await metadata.installIfEmpty(readPack(CORE_PACK_DIR).snapshot))) {
    options.logger.info(
      `installed the core CRM pack as release 1${options.name === 'default' ? '' : ` in tenant ${options.name}`}`,
    );
  }
  await freshness.refresh();
  await imports.recover();
  indexes.start();
  const compiled = () => metadata.compiled;
  const audit = new SetupAudit(knex, schema);
  const requireRecord = records.requireRecord.bind(records);
  const approvals = new Approvals({
    knex,
    schema,
    tenant: options.name,
    compiled,
    store: new RunStore(schema, compiled),
    recordsIn: (db) => new RecordsService(db, schema, compiled, currencies),
    ready: () => (options.automation ?? noAutomation).ready(),
    enqueue: (trx, runs) => (options.automation ?? noAutomation).enqueue(trx, options.name, runs),
  });
  return {
    name: options.name,
    schema,
    metadata,
    freshness,
    records,
    auth,
    currencies,
    imports,
    indexes,
    exporter: new CsvExporter(knex, schema, compiled),
    audit,
    users: new UsersService(knex, schema, compiled, audit),
    shares: new SharesService(knex, schema, compiled, requireRecord),
    views: new UserViewsService(knex, schema, compiled),
    notifications: new Notifications(knex, schema),
    approvals,
    packs: new PacksService(
      knex,
      schema,
      metadata,
      (db, release) => new RecordsService(db, schema, () => release, currencies),
      options.packsDir,
    ),
    rules: new RuleEditorService(knex, schema, compiled, records, (name) => metadata.edits.get('object', name)),
    automation: new AutomationService({
      tenant: options.name,
      approvals,
      knex,
      schema,
      compiled,
      logger: options.logger,
      recordsIn: (db) => new RecordsService(db, schema, compiled, currencies),
      principalOf: (userId) => auth.principalOf(userId),
      engine: options.automation ?? noAutomation,
    }),
    search: (input, access) => search(knex, schema, metadata.compiled, input, access),
    explain: (object, id, userId, caller) =>
      explainAccess({ knex, schema, compiled: metadata.compiled, requireRecord, auth }, object, id, userId, caller),
  };
}
