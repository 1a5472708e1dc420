import type { Knex } from 'knex';
import type { EngineAutomation } from '../automation/automation.service.js';
import type { IndexAdvisorOptions } from '../records/index-advisor.js';
import type { Logger } from '../lib/log.js';
import { conflict, invalid } from '../errors.js';
import { checkApiName } from '../metadata/identifiers.js';
import { generatePassword } from '../security/auth.service.js';
import { openTenant, type Tenant } from './tenant.js';

/**
 * The tenants this engine serves. The default tenant lives in the configured schema and keeps a
 * list of the others (_tenants); tenant `acme` lives in schema `<default>__acme`, and its tokens
 * start with `acme.` so each request is routed to the one schema whose sessions can know it.
 * Tenants are opened on first use and kept open.
 */

export const DEFAULT_TENANT = 'default';
const NAME = /^[a-z][a-z0-9_]{1,29}$/;

export interface RegistryOptions {
  defaultSchema: string;
  sessionHours: number;
  installCore: boolean;
  /** The folder of installable packs; plugins/ when unset. */
  packsDir?: string;
  /** An import whose job row has not moved for this long is taken for one whose engine stopped. */
  importStaleMs?: number;
  /** Where CSV uploads wait while their import runs; the system's temp folder when unset. */
  importDir?: string;
  /** The index advisor's settings (records/index-advisor.ts); left out, it never runs on its own. */
  indexes?: Partial<IndexAdvisorOptions>;
  admin: { email: string; password?: string };
  /** Start-up lines of the tenants it opens, and their background work's errors. */
  logger: Logger;
  /** The engine's job queue and mail; a CLI command that runs no workflows opens tenants without. */
  automation?: EngineAutomation;
}

export class TenantRegistry {
  private readonly open = new Map<string, Promise<Tenant>>();
  private readonly ready = new Map<string, Tenant>();

  constructor(
    private readonly knex: Knex,
    private readonly options: RegistryOptions,
  ) {}

  private get table() {
    return `${this.options.defaultSchema}._tenants`;
  }

  /** Opens the default tenant (first start: creates its admin and installs the core pack). */
  async start(): Promise<Tenant> {
    const tenant = await this.get(DEFAULT_TENANT);
    await this.knex.raw(
      'create table if not exists ?? (name text primary key, schema text not null unique, created_at timestamptz not null default now())',
      [this.table],
    );
    return tenant;
  }

  schemaOf(name: string): string {
    return name === DEFAULT_TENANT ? this.options.defaultSchema : `${this.options.defaultSchema}__${name}`;
  }

  /** The tenant, opened on first use; undefined when there is no such tenant. */
  async find(name: string): Promise<Tenant | undefined> {
    if (name !== DEFAULT_TENANT) {
      if (!NAME.test(name)) return undefined;
      if (!this.open.has(name) && !(await this.knex(this.table).where({ name }).first('name'))) return undefined;
    }
    return this.get(name);
  }

  /** The tenant when it is open already: no promise to wait for on every request. */
  opened(name: string): Tenant | undefined {
    return this.ready.get(name);
  }

  /** Every tenant open in this process (the background worker's round). */
  allOpened(): Iterable<Tenant> {
    return this.ready.values();
  }

  private get(name: string, admin = this.options.admin): Promise<Tenant> {
    let tenant = this.open.get(name);
    if (!tenant) {
      tenant = openTenant(this.knex, {
        name,
        schema: this.schemaOf(name),
        sessionHours: this.options.sessionHours,
        tokenPrefix: name === DEFAULT_TENANT ? '' : `${name}.`,
        admin,
        installCore: this.options.installCore,
        ...(this.options.packsDir ? { packsDir: this.options.packsDir } : {}),
        ...(this.options.importStaleMs ? { importStaleMs: this.options.importStaleMs } : {}),
        ...(this.options.importDir ? { importDir: this.options.importDir } : {}),
        ...(this.options.indexes ? { indexes: this.options.indexes } : {}),
        logger: this.options.logger,
        ...(this.options.automation ? { automation: this.options.automation } : {}),
      });
      this.open.set(name, tenant);
      tenant.then(
        (opened) => this.ready.set(name, opened),
        () => this.open.delete(name),
      );
    }
    return tenant;
  }

  /** A new tenant with its own schema, first admin and the core pack. */
  async create(input: {
    name?: unknown;
    adminEmail?: unknown;
    adminPassword?: unknown;
  }): Promise<{ tenant: Tenant; adminEmail: string; adminPassword?: string }> {
    const name = input.name;
    const problem = checkApiName(name);
    if (typeof name !== 'string' || !NAME.test(name) || problem || name === DEFAULT_TENANT) {
      throw invalid('the tenant was not created', [
        {
          field: 'name',
          code: 'format',
          message:
            problem?.message ?? '2 to 30 lower-case letters, digits and _, starting with a letter; not "default"',
        },
      ]);
    }
    if (typeof input.adminEmail !== 'string' || !/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(input.adminEmail))
      throw invalid('the tenant was not created', [
        { field: 'adminEmail', code: 'format', message: "the e-mail of the tenant's first admin" },
      ]);
    if (
      input.adminPassword !== undefined &&
      (typeof input.adminPassword !== 'string' || input.adminPassword.length < 10)
    ) {
      throw invalid('the tenant was not created', [
        {
          field: 'adminPassword',
          code: 'format',
          message: 'at least 10 characters, or leave it out to get a generated one',
        },
      ]);
    }
    const generated = input.adminPassword === undefined ? generatePassword() : undefined;
    const schema = this.schemaOf(name);
    const inserted = await this.knex(this.table).insert({ name, schema }).onConflict('name').ignore().returning('name');
    if (!inserted.length)
      throw conflict(`tenant "${name}" exists`, [{ field: 'name', code: 'unique', message: 'choose another name' }]);
    try {
      const tenant = await this.get(name, {
        email: input.adminEmail.trim().toLowerCase(),
        password: input.adminPassword ?? generated,
      });
      return {
        tenant,
        adminEmail: input.adminEmail.trim().toLowerCase(),
        ...(generated ? { adminPassword: generated } : {}),
      };
    } catch (e) {
      await this.knex(this.table).where({ name }).delete();
      await this.knex.raw('drop schema if exists ?? cascade', [schema]);
      throw e;
    }
  }

  async list(): Promise<{ name: string; schema: string; createdAt: string | null }[]> {
    const rows = await this.knex(this.table).orderBy('name').select('name', 'schema', 'created_at');
    const others = rows.map((r: Record<string, string>) => ({
      name: r.name!,
      schema: r.schema!,
      createdAt: new Date(r.created_at!).toISOString(),
    }));
    return [{ name: DEFAULT_TENANT, schema: this.options.defaultSchema, createdAt: null }, ...others];
  }

  /** The tenant a token belongs to: `acme.<random>` → acme; no prefix → the default tenant. */
  static nameInToken(token: string): string {
    const dot = token.indexOf('.');
    return dot < 0 ? DEFAULT_TENANT : token.slice(0, dot);
  }

  async close(): Promise<void> {
    for (const tenant of this.open.values())
      await tenant.then(
        async (t) => {
          await t.indexes.close();
          await t.imports.close();
        },
        () => undefined,
      );
  }
}
