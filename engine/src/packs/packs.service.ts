import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import semver from 'semver';
import { conflict, invalid, notFound, Problem, type FieldError } from '../errors.js';
import type { ImportAuthorizer } from '../metadata/config.service.js';
import { ITEM_SPECS } from '../metadata/kinds.js';
import type { MetadataService } from '../metadata/metadata.service.js';
import type { PublishOptions, PublishResult } from '../metadata/publish.js';
import type { MetadataSnapshot } from '../metadata/types.js';
import { mergePack, type Conflict, type PlanItem, type Resolution } from './merge.js';
import { compile, type CompiledMetadata } from '../metadata/compile.js';
import { Access } from '../security/access.js';
import type { Caller } from '../security/caller.js';
import type { Principal } from '../security/principal.js';
import { CORE_PACK_DIR, readPack, type Extension, type PackContent, type PackManifest } from './pack-files.js';
import { dropArchived } from '../schema/purge.js';
import { packUsages, usageErrors } from './pack-usages.js';
import { loadSeeds, type SeedFile, type SeedWriter } from './seed.js';

/**
 * The pack lifecycle: install, upgrade and uninstall, each validate → plan → apply in the one
 * transaction of a metadata publish, so a failure anywhere leaves nothing installed. The packs
 * on offer are the folders of plugins/ (TESSERA_PACKS_DIR); what a tenant installed, and the
 * version's metadata that is the base of its next upgrade's merge, is in `_packs`.
 *
 * A pack needs a clean draft: installing publishes, and the admin's half-made edits must not be
 * published along with it unseen.
 */

export const PACKS_DIR = fileURLToPath(new URL('../../../plugins/', import.meta.url));
const ENGINE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
const CORE_VERSION = (JSON.parse(fs.readFileSync(path.join(CORE_PACK_DIR, 'pack.json'), 'utf8')) as PackManifest)
  .version;

export type PackStep = 'install' | 'upgrade' | 'uninstall';

export interface PackEntry {
  name: string;
  namespace: string;
  label: PackManifest['label'];
  description?: string;
  /** The version in plugins/, when the pack is there. */
  available?: string;
  dependencies: Record<string, string>;
  installed?: { version: string; state: 'installed' | 'uninstalled'; changedAt: string };
  /** Why the folder's pack cannot be read (a missing file, invalid pack.json). */
  problem?: string;
}

export interface PackOptions extends Pick<PublishOptions, 'dryRun' | 'confirmLossy' | 'userId'> {
  /** Conflict key (merge.ts) → the admin's choice. */
  resolutions?: Record<string, Resolution>;
  /** Who may change what, as for a configuration import (api/meta-import-guard.ts). */
  authorize?: ImportAuthorizer;
  /** The user installing: seed records are theirs (the CLI has none: the first admin's). */
  installer?: Principal;
  /** Uninstall: drop the archived data for good and forget the pack. */
  purge?: boolean;
}

export interface PackResult extends PublishResult {
  pack: string;
  step: PackStep;
  from: string | null;
  to: string | null;
  /** False when the step had nothing to do (the same version installed twice). */
  changed: boolean;
  /** Seed records loaded (a dry run: to be loaded); only a first install loads them. */
  seeds: number;
  /** A purge: the archived tables and columns dropped for good. */
  purged?: { tables: number; columns: number };
  items: PlanItem[];
  conflicts: Conflict[];
}

interface PackRow {
  name: string;
  namespace: string;
  version: string;
  state: 'installed' | 'uninstalled';
  snapshot: PackContent;
  kept: PackContent | null;
  changed_at: Date | string;
}

type Item = { id: string; apiName: string };
const KEYS = ['objects', ...ITEM_SPECS.map((s) => s.key)] as const;
const itemsOf = (s: MetadataSnapshot | null | undefined, key: (typeof KEYS)[number]) =>
  (s?.[key] ?? []) as unknown as Item[];

export class PacksService {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: MetadataService,
    /** Writes seed records on a connection, under a release (the one the install makes). */
    private readonly recordsIn: (db: Knex.Transaction, compiled: CompiledMetadata) => SeedWriter,
    private readonly dir: string = PACKS_DIR,
  ) {}

  private table(db: Knex | Knex.Transaction) {
    return db(`${this.schema}._packs`);
  }

  /** The packs in plugins/ and those installed, by name. */
  async list(): Promise<PackEntry[]> {
    const rows = (await this.table(this.knex).select()) as PackRow[];
    const entries = new Map<string, PackEntry>();
    for (const { folder, pack, problem } of this.available()) {
      if (!pack) {
        entries.set(folder, { name: folder, namespace: '', label: folder, dependencies: {}, problem: problem!.detail });
        continue;
      }
      const { manifest } = pack;
      entries.set(manifest.name, {
        name: manifest.name,
        namespace: manifest.namespace,
        label: manifest.label,
        ...(manifest.description ? { description: manifest.description } : {}),
        available: manifest.version,
        dependencies: manifest.dependencies ?? {},
      });
    }
    for (const row of rows) {
      const entry = entries.get(row.name) ?? {
        name: row.name,
        namespace: row.namespace,
        label: row.name,
        dependencies: {},
      };
      entry.installed = { version: row.version, state: row.state, changedAt: new Date(row.changed_at).toISOString() };
      entries.set(row.name, entry);
    }
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The pack folders of plugins/, each read, or the problem that stops it being read. */
  private available(): { folder: string; pack?: ReturnType<typeof readPack>; problem?: Problem }[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(this.dir, d.name, 'pack.json')))
      .map((d) => {
        try {
          return { folder: d.name, pack: readPack(path.join(this.dir, d.name)) };
        } catch (e) {
          if (e instanceof Problem) return { folder: d.name, problem: e };
          throw e;
        }
      });
  }

  private find(name: string) {
    // The name is matched against the folders found, never joined into a path.
    const found = this.available().find((p) => (p.pack?.manifest.name ?? p.folder) === name);
    if (!found) throw notFound(`no pack named "${name}" in the packs folder`);
    if (found.problem) throw found.problem;
    return found.pack!;
  }

  private async row(db: Knex | Knex.Transaction, name: string): Promise<PackRow | undefined> {
    return (await this.table(db).where({ name }).first()) as PackRow | undefined;
  }

  async install(name: string, options: PackOptions = {}): Promise<PackResult> {
    const pack = this.find(name);
    const { manifest } = pack;
    const row = await this.row(this.knex, name);
    if (row?.state === 'installed') {
      if (row.version === manifest.version) return this.nothing('install', name, row.version);
      throw conflict(`${name} ${row.version} is installed; upgrade it to ${manifest.version} instead`, [
        { field: 'version', code: 'version', message: `installed: ${row.version}` },
      ]);
    }
    await this.checkInstallable(manifest, pack.snapshot);
    // A reinstall brings back the items as the tenant had customised them, and their data (the
    // publish finds archived tables and columns by id); only a first install loads the seeds.
    return this.apply('install', manifest, pack.snapshot, row, options, row ? [] : pack.seeds);
  }

  async upgrade(name: string, options: PackOptions = {}): Promise<PackResult> {
    const pack = this.find(name);
    const { manifest } = pack;
    const row = await this.row(this.knex, name);
    if (row?.state !== 'installed')
      throw conflict(`${name} is not installed; install it first`, [
        { field: 'version', code: 'version', message: 'not installed' },
      ]);
    if (!semver.gt(manifest.version, row.version))
      throw conflict(
        `${name} ${row.version} is installed; the packs folder has ${manifest.version}, which is not newer`,
        [{ field: 'version', code: 'version', message: `not newer than ${row.version}` }],
      );
    await this.checkInstallable(manifest, pack.snapshot);
    return this.apply('upgrade', manifest, pack.snapshot, row, options);
  }

  /**
   * Uninstalls: the pack's items leave the draft and the release, their tables and columns are
   * archived with the data, kept for a reinstall. With `purge` (and confirmLossy: it cannot be
   * undone) the archived tables and columns are dropped and the pack forgotten, so installing it
   * again is a first install; a pack already uninstalled can be purged too.
   */
  async uninstall(name: string, options: PackOptions = {}): Promise<PackResult> {
    const row = await this.row(this.knex, name);
    if (!row || (row.state !== 'installed' && !options.purge))
      throw conflict(`${name} is not installed`, [{ field: 'version', code: 'version', message: 'not installed' }]);
    if (options.purge && !options.confirmLossy && !options.dryRun)
      throw conflict(
        `purging ${name} deletes its records for good; nothing was changed. Send { "confirmLossy": true } to go ahead`,
        [{ field: 'purge', code: 'lossy', message: 'the archived data of the pack is dropped, not restorable' }],
        { confirmable: true },
      );
    if (row.state === 'uninstalled') return this.purgeUninstalled(row, options);
    const dependents = (await this.installedManifests()).filter((m) => m.dependencies?.[row.namespace] !== undefined);
    if (dependents.length)
      throw conflict(
        `${dependents.map((m) => m.name).join(', ')} depend${dependents.length === 1 ? 's' : ''} on ${name}; uninstall ${dependents.length === 1 ? 'it' : 'them'} first`,
        dependents.map((m) => ({
          field: `dependencies.${m.namespace}`,
          code: 'dependency',
          message: `${m.name} needs it`,
        })),
      );
    await this.requireCleanDraft();
    const others = await this.table(this.knex)
      .where({ state: 'installed' })
      .whereNot({ name })
      .select<Pick<PackRow, 'namespace' | 'name'>[]>('namespace', 'name');
    let kept: PackContent = { objects: [], layouts: [], listViews: [] };
    let purged = { tables: 0, columns: 0 };
    const result = await this.metadata.publishReplaced(
      { dryRun: options.dryRun === true, confirmLossy: options.confirmLossy === true, userId: options.userId ?? null },
      (draft) => {
        const parts = split(draft, row.snapshot);
        const usages = packUsages(parts.pack, parts.rest, new Map(others.map((r) => [r.namespace, r.name])));
        if (usages.length)
          throw conflict(
            `${usages.length} item(s) of other packs or of this tenant still name ${name}'s objects or fields; change or delete them first. Nothing was changed`,
            usageErrors(usages),
          );
        kept = parts.pack;
        options.authorize?.(draft, parts.rest);
        return parts.rest;
      },
      async (trx) => {
        if (options.purge) {
          purged = await this.purge(trx, row);
          return;
        }
        await this.table(trx)
          .where({ name })
          .update({
            state: 'uninstalled',
            kept: JSON.stringify(kept),
            changed_by: options.userId ?? null,
            changed_at: trx.fn.now(),
          });
      },
    );
    return {
      ...result,
      pack: name,
      step: 'uninstall',
      from: row.version,
      to: null,
      changed: true,
      items: [],
      conflicts: [],
      seeds: 0,
      ...(options.purge ? { purged } : {}),
    };
  }

  /** An uninstalled pack's items are in no release, so nothing can name them: no usages to check. */
  private async purgeUninstalled(row: PackRow, options: PackOptions): Promise<PackResult> {
    const purged = options.dryRun
      ? { tables: 0, columns: 0 }
      : await this.knex.transaction((trx) => this.purge(trx, row));
    return {
      pack: row.name,
      step: 'uninstall',
      from: row.version,
      to: null,
      changed: !options.dryRun,
      release: this.metadata.compiled.release,
      dryRun: options.dryRun === true,
      diff: [],
      plan: [],
      items: [],
      conflicts: [],
      seeds: 0,
      purged,
    };
  }

  /** Drops the pack's archived tables and columns, forgets their archive entries and the pack. */
  private async purge(trx: Knex.Transaction, row: PackRow): Promise<{ tables: number; columns: number }> {
    const objectIds = new Set(row.snapshot.objects.map((o) => o.id));
    const fieldIds = new Set([
      ...row.snapshot.objects.flatMap((o) => o.fields.map((f) => f.id)),
      ...(row.snapshot.extensions ?? []).flatMap((e) => e.fields.map((f) => f.id)),
    ]);
    const dropped = await dropArchived(trx, this.schema, objectIds, fieldIds);
    await this.metadata.forgetArchived(trx, [...objectIds, ...fieldIds]);
    await this.table(trx).where({ name: row.name }).delete();
    return dropped;
  }

  private async apply(
    step: 'install' | 'upgrade',
    manifest: PackManifest,
    theirs: PackContent,
    row: PackRow | undefined,
    options: PackOptions,
    seeds: readonly SeedFile[] = [],
  ): Promise<PackResult> {
    await this.requireCleanDraft();
    let seeded = 0;
    let items: PlanItem[] = [];
    let conflicts: Conflict[] = [];
    const result = await this.metadata.publishReplaced(
      { dryRun: options.dryRun === true, confirmLossy: options.confirmLossy === true, userId: options.userId ?? null },
      (draft) => {
        const missing = (theirs.extensions ?? []).filter((e) => !draft.objects.some((o) => o.apiName === e.object));
        if (missing.length)
          throw invalid(
            `${manifest.name} adds fields to objects this tenant does not have`,
            missing.map((e) => ({ field: `extensions.${e.object}`, code: 'reference', message: 'no such object' })),
          );
        const mine = row?.kept ? union(draft, row.kept) : draft;
        const merged = mergePack(row?.snapshot, theirs, mine, options.resolutions ?? {}, manifest.customizable);
        items = merged.plan;
        conflicts = merged.conflicts;
        const open = conflicts.filter((c) => !c.resolution);
        if (open.length && !options.dryRun)
          throw conflict(
            `the admin and ${manifest.name} ${manifest.version} changed the same properties; choose keepMine or takeTheirs for each. Nothing was changed`,
            open.map((c) => ({
              field: c.key,
              code: 'packConflict',
              message: `yours: ${show(c.mine)}; theirs: ${show(c.theirs)}`,
            })),
            { conflicts: open },
          );
        options.authorize?.(draft, merged.snapshot);
        return merged.snapshot;
      },
      async (trx, result) => {
        if (seeds.length) {
          const compiled = compile(result.release!, await this.metadata.draft.snapshot(trx));
          const caller = await this.installer(trx, compiled, options.installer);
          seeded = await loadSeeds(this.recordsIn(trx, compiled), seeds, caller);
        }
        const values = {
          namespace: manifest.namespace,
          version: manifest.version,
          state: 'installed',
          snapshot: JSON.stringify(theirs),
          // What the admin may change until the next upgrade (pack-locks.ts checks their edits).
          customizable: JSON.stringify(manifest.customizable ?? {}),
          kept: null,
          changed_by: options.userId ?? null,
          changed_at: trx.fn.now(),
        };
        await this.table(trx)
          .insert({ name: manifest.name, ...values })
          .onConflict('name')
          .merge();
      },
    );
    return {
      ...result,
      pack: manifest.name,
      step,
      from: row?.state === 'installed' ? row.version : null,
      to: manifest.version,
      changed: true,
      items,
      conflicts,
      seeds: result.dryRun ? seeds.reduce((n, f) => n + f.records.length, 0) : seeded,
    };
  }

  /**
   * Who seed records are created by and belong to: the installing user, with all access (the
   * install is the permission, as an import's is), or for the CLI the first active admin.
   */
  private async installer(trx: Knex.Transaction, compiled: CompiledMetadata, principal?: Principal): Promise<Caller> {
    let who = principal;
    if (!who) {
      const admin = await trx(`${this.schema}._users`)
        .where({ is_admin: true, active: true })
        .orderBy('created_at')
        .first<{ id: string; email: string; name: string } | undefined>('id', 'email', 'name');
      if (!admin) throw conflict('the tenant has no active admin to own the seed records; nothing was installed');
      who = { ...admin, isAdmin: true, role: null, permissionSets: [], groups: [], via: 'session' };
    }
    return { userId: who.id, locale: 'en', via: 'import', access: new Access({ ...who, isAdmin: true }, compiled) };
  }

  private nothing(step: PackStep, name: string, version: string): PackResult {
    return {
      pack: name,
      step,
      from: version,
      to: version,
      changed: false,
      seeds: 0,
      release: this.metadata.compiled.release,
      dryRun: false,
      diff: [],
      plan: [],
      items: [],
      conflicts: [],
    };
  }

  private async installedManifests(): Promise<PackManifest[]> {
    const rows = await this.table(this.knex).where({ state: 'installed' }).select<{ name: string }[]>('name');
    const installed = new Set(rows.map((r) => r.name));
    return this.available().flatMap((p) => (p.pack && installed.has(p.pack.manifest.name) ? [p.pack.manifest] : []));
  }

  /** The engine version and dependencies the pack asks for, and its namespace on every item. */
  private async checkInstallable(manifest: PackManifest, snapshot: PackContent): Promise<void> {
    if (manifest.engine && !semver.satisfies(ENGINE_VERSION, manifest.engine))
      throw conflict(`${manifest.name} needs engine ${manifest.engine}; this is ${ENGINE_VERSION}`, [
        { field: 'engine', code: 'version', message: `needs ${manifest.engine}` },
      ]);
    const rows = await this.table(this.knex)
      .where({ state: 'installed' })
      .select<Pick<PackRow, 'namespace' | 'version'>[]>('namespace', 'version');
    const versions = new Map(rows.map((r) => [r.namespace, r.version]));
    // The core pack is installed on a tenant's first start, not through this lifecycle: it counts
    // as installed, at its version, while the release holds its objects.
    if (!versions.has('core') && this.metadata.compiled.snapshot.objects.some((o) => o.id.startsWith('core.')))
      versions.set('core', CORE_VERSION);
    const missing: FieldError[] = Object.entries(manifest.dependencies ?? {}).flatMap(([ns, range]) => {
      const have = versions.get(ns);
      if (have && semver.satisfies(have, range)) return [];
      return [
        {
          field: `dependencies.${ns}`,
          code: 'dependency',
          message: have ? `installed ${have}, needs ${range}` : `not installed, needs ${range}`,
        },
      ];
    });
    if (missing.length)
      throw conflict(`${manifest.name} needs packs that are not installed at the right version`, missing);
    const foreign: FieldError[] = [
      ...KEYS.flatMap((key) => itemsOf(snapshot, key).map((i) => ({ at: `${key}.${i.apiName}`, id: i.id }))),
      ...(snapshot.extensions ?? []).flatMap((e) =>
        e.fields.map((f) => ({ at: `extensions.${e.object}.${f.apiName}`, id: f.id })),
      ),
    ]
      .filter(({ id }) => !id?.startsWith(`${manifest.namespace}.`))
      .map(({ at, id }) => ({
        field: at,
        code: 'namespace' as const,
        message: `id "${id ?? ''}" must start with "${manifest.namespace}."`,
      }));
    if (foreign.length) throw invalid(`items of ${manifest.name} lack its namespace`, foreign);
  }

  private async requireCleanDraft(): Promise<void> {
    const { changes } = await this.metadata.draftChanges();
    if (changes.length)
      throw conflict('the draft has unpublished edits; publish or discard them first. Nothing was changed', [
        { field: 'draft', code: 'draftPending', message: `${changes.length} unpublished change(s)` },
      ]);
  }
}

/**
 * The draft split into the pack's part — its items by id, its fields on other objects — and the
 * rest, which is what stays installed.
 */
function split(draft: MetadataSnapshot, content: PackContent) {
  const ids = new Set(KEYS.flatMap((key) => itemsOf(content, key).map((i) => i.id)));
  const fieldIds = new Set((content.extensions ?? []).flatMap((e) => e.fields.map((f) => f.id)));
  const pack: PackContent = { objects: [], layouts: [], listViews: [], extensions: [] };
  const rest: MetadataSnapshot = { objects: [], layouts: [], listViews: [] };
  for (const key of KEYS) {
    const items = itemsOf(draft, key);
    (pack as unknown as Record<string, Item[]>)[key] = items.filter((i) => ids.has(i.id));
    (rest as unknown as Record<string, Item[]>)[key] = items.filter((i) => !ids.has(i.id));
  }
  rest.objects = rest.objects.map((o) => {
    const fields = o.fields.filter((f) => fieldIds.has(f.id));
    if (!fields.length) return o;
    pack.extensions!.push({ object: o.apiName, fields });
    return { ...o, fields: o.fields.filter((f) => !fieldIds.has(f.id)) };
  });
  return { pack, rest };
}

/** The draft with a reinstalled pack's kept items and fields beside it (the draft's own win on a shared id). */
function union(draft: MetadataSnapshot, kept: PackContent): MetadataSnapshot {
  const out = structuredClone(draft);
  for (const key of KEYS) {
    const have = new Set(itemsOf(out, key).map((i) => i.id));
    (out as unknown as Record<string, Item[]>)[key] = [
      ...itemsOf(out, key),
      ...itemsOf(kept, key).filter((i) => !have.has(i.id)),
    ];
  }
  for (const { object, fields } of kept.extensions ?? ([] as Extension[])) {
    const target = out.objects.find((o) => o.apiName === object);
    if (target) target.fields.push(...fields.filter((f) => !target.fields.some((g) => g.id === f.id)));
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
