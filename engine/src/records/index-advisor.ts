import type { Knex } from 'knex';
import { shortHash } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { parseFilter } from '../query/filter-parser.js';
import { serves, shapeOf, shapeText, type IndexShape, type ShapeKey } from '../query/index-shape.js';
import { parseSort } from '../query/keyset.js';
import { MAX_TEXT_CHARS, SYSTEM_SORT } from '../schema/list-indexes.js';
import { serverIsPGlite } from './copy-writer.js';
import { readIndexes, type CatalogIndex } from './index-catalog.js';
import { indexReport, type IndexReport } from './index-report.js';
import type { IndexUsage } from './index-usage.js';

/**
 * Indexes that follow use. The filter and sort shapes of published list views, and the shapes
 * users actually run (counted by IndexUsage in every engine process), get an index that reads
 * them in order, so a click on a column header of a 2M-row object answers from an index instead
 * of sorting the table. Every few seconds one engine — whoever takes the lease — flushes the
 * counts and decides per object:
 *
 *   wanted   a list view's shape, or a shape run at least MIN_REQUESTS times whose last use (a
 *            request of that shape, or a scan of its index) is within `unusedDays`;
 *   skipped  a shape an index of the schema serves already, a table of fewer than `minRows`
 *            rows (its sort is fast anyway), a column no btree should hold (long text, json);
 *   capped   at most `perObject` indexes per object (each costs every write): views first, then
 *            the most requested.
 *
 * Wanted and missing is built (CONCURRENTLY on PostgreSQL: writes go on while it builds);
 * built and no longer wanted is dropped. The schema planner's own indexes (named tsr_…) are
 * never touched; these are named tsi_… and the planner ignores them. A column dropped by a
 * publish takes its index with it; the next run sees it gone and builds again if still wanted.
 */

export interface IndexAdvisorOptions {
  /** How often counts are flushed and the advisor runs; 0: never on its own (CLI, tests call advise()). */
  intervalMs: number;
  /** Tables with fewer rows (the planner's estimate) get no index: sorting them is quick. */
  minRows: number;
  perObject: number;
  unusedDays: number;
}

export const DEFAULT_INDEX_OPTIONS: IndexAdvisorOptions = {
  intervalMs: 60_000,
  minRows: 10_000,
  perObject: 8,
  unusedDays: 30,
};

/** A shape becomes worth an index after this many requests: one look is not a habit. */
const MIN_REQUESTS = 3;
const VARCHAR = /^character varying\((\d+)\)$/;

export type ShapeState = 'indexed' | 'building' | 'served' | 'waiting' | 'small' | 'capped' | 'unindexable';

/** One shape of an object as the advisor sees it. */
export interface ShapeVerdict {
  shape: IndexShape;
  source: 'view' | 'usage';
  /** The keys as columns, in index order; undefined when a field is gone. */
  columns?: { column: string; desc: boolean }[];
  requests: number;
  lastUsed?: Date;
  state: ShapeState;
  /** The index that reads it (ours or the schema's). */
  index?: string;
}

/** One object's shapes with their verdicts, the indexes on its table, and its rows. */
export interface Inspected {
  shapes: ShapeVerdict[];
  indexes: CatalogIndex[];
  own: OwnIndexRow[];
  rows: number;
}

interface UsageRow {
  object_id: string;
  shape: string;
  keys: { keys: ShapeKey[]; equal: number };
  requests: string;
  last_seen: Date;
}

export interface OwnIndexRow {
  name: string;
  object_id: string;
  shape: string;
  source: string;
  created_at: Date;
  last_used: Date;
  scans: string;
  build_ms: number | null;
}

export const usageIndexName = (objectId: string, shape: string) => `tsi_${shortHash(`${objectId}:${shape}`, 16)}_ix`;

/** Each key as the object's column today, with its SQL type; undefined when a field is gone. */
function columnsOf(
  object: CompiledObject,
  shape: IndexShape,
): { column: string; desc: boolean; type: string }[] | undefined {
  const columns: { column: string; desc: boolean; type: string }[] = [];
  for (const key of shape.keys) {
    const [fieldId, part] = key.field.split('#');
    let column: string | undefined;
    if (part === undefined) column = key.field;
    else for (const f of object.fields.values()) if (f.def.id === fieldId) column = f.columns[Number(part)];
    const type = column && (SYSTEM_SORT[column] ?? object.columnTypes.get(column));
    if (!column || !type) return undefined;
    columns.push({ column, desc: key.desc === true, type });
  }
  return columns;
}

/** Whether a btree may hold these columns: no unbounded text or json, bounded text within MAX_TEXT_CHARS. */
function indexable(columns: readonly { type: string }[]): boolean {
  let chars = 0;
  for (const { type } of columns) {
    if (type === 'text' || type === 'jsonb' || type.endsWith('[]')) return false;
    chars += Number(VARCHAR.exec(type)?.[1] ?? 0);
  }
  return chars <= MAX_TEXT_CHARS;
}

/** The shapes of the object's published list views. */
function viewShapes(compiled: CompiledMetadata, object: CompiledObject): IndexShape[] {
  return compiled.snapshot.listViews.flatMap((view) => {
    if (view.object !== object.def.apiName) return [];
    try {
      const shape = shapeOf(object, parseFilter(object, view.filter), parseSort(object, view.sort));
      return shape ? [shape] : [];
    } catch {
      return []; // a lookup path or a field the release no longer has: nothing to index
    }
  });
}

export class IndexAdvisor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Embedded PGlite builds without CONCURRENTLY (one connection: nothing else writes meanwhile). */
  private pglite?: Promise<boolean>;

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly compiled: () => CompiledMetadata,
    readonly usage: IndexUsage,
    private readonly logger: Logger,
    readonly options: IndexAdvisorOptions,
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.advise()
        .catch((err: unknown) => this.logger.error({ err }, 'index advisor failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.usage.flush().catch(() => undefined);
  }

  /** What an admin reads about one object (GET /api/v1/meta/objects/{o}/indexes). */
  async report(object: CompiledObject): Promise<IndexReport> {
    return indexReport(object, await this.inspect(object), this.options);
  }

  /** Every shape of one object with its verdict, and the indexes on its table. */
  private async inspect(object: CompiledObject): Promise<Inspected> {
    await this.usage.flush();
    const [usage, own, catalog] = await Promise.all([
      this.knex.withSchema(this.schema).table('_index_usage').where('object_id', object.def.id) as Promise<UsageRow[]>,
      this.knex.withSchema(this.schema).table('_usage_indexes').where('object_id', object.def.id) as Promise<
        OwnIndexRow[]
      >,
      readIndexes(this.knex, this.schema, [object.table]),
    ]);
    const indexes = catalog.indexes.filter((i) => i.table === object.table);
    const rows = catalog.rows.get(object.table) ?? 0;
    return { shapes: this.decide(object, usage, own, indexes, rows), indexes, own, rows };
  }

  private decide(
    object: CompiledObject,
    usage: UsageRow[],
    own: OwnIndexRow[],
    indexes: CatalogIndex[],
    rows: number,
  ): ShapeVerdict[] {
    const ownByName = new Map(own.map((o) => [o.name, o]));
    const live = new Map(indexes.map((i) => [i.name, i]));
    const verdicts = new Map<string, ShapeVerdict>();
    for (const shape of viewShapes(this.compiled(), object))
      verdicts.set(shape.text, { shape, source: 'view', requests: 0, state: 'waiting' });
    for (const row of usage) {
      const name = usageIndexName(object.def.id, row.shape);
      const seen = [row.last_seen, ownByName.get(name)?.last_used].filter((d): d is Date => d !== undefined);
      const lastUsed = new Date(Math.max(...seen.map((d) => d.getTime())));
      const known = verdicts.get(row.shape);
      if (known) Object.assign(known, { requests: Number(row.requests), lastUsed });
      else {
        const shape = { keys: row.keys.keys, equal: row.keys.equal, text: shapeText(row.keys.keys, row.keys.equal) };
        verdicts.set(row.shape, { shape, source: 'usage', requests: Number(row.requests), lastUsed, state: 'waiting' });
      }
    }
    const unusedBefore = Date.now() - this.options.unusedDays * 86_400_000;
    const ranked: ShapeVerdict[] = [];
    for (const v of verdicts.values()) {
      const columns = columnsOf(object, v.shape);
      if (columns) v.columns = columns;
      if (!columns || !indexable(columns)) {
        v.state = 'unindexable';
        continue;
      }
      const name = usageIndexName(object.def.id, v.shape.text);
      const foreign = indexes.find(
        (i) => !i.name.startsWith('tsi_') && i.valid && !i.partial && serves(i, columns, v.shape.equal),
      );
      if (foreign) Object.assign(v, { state: 'served', index: foreign.name });
      else if (v.source === 'usage' && (v.requests < MIN_REQUESTS || (v.lastUsed?.getTime() ?? 0) < unusedBefore))
        v.state = 'waiting';
      else if (rows < this.options.minRows && !live.has(name)) v.state = 'small';
      else ranked.push(v);
    }
    ranked.sort(
      (a, b) =>
        Number(b.source === 'view') - Number(a.source === 'view') ||
        b.requests - a.requests ||
        (a.shape.text < b.shape.text ? -1 : 1),
    );
    for (const [i, v] of ranked.entries()) {
      const name = usageIndexName(object.def.id, v.shape.text);
      if (i >= this.options.perObject) v.state = 'capped';
      else Object.assign(v, { state: live.get(name)?.valid ? 'indexed' : 'building', index: name });
    }
    return [...verdicts.values()];
  }

  /** One run: flush, then per object drop what is no longer wanted and build what is missing. */
  async advise(): Promise<{ built: string[]; dropped: string[] }> {
    await this.usage.flush();
    const built: string[] = [];
    const dropped: string[] = [];
    if (!(await this.claim())) return { built, dropped };
    try {
      const compiled = this.compiled();
      const objects = [...compiled.objects.values()];
      const [usage, own, catalog] = await Promise.all([
        this.knex.withSchema(this.schema).table('_index_usage') as Promise<UsageRow[]>,
        this.knex.withSchema(this.schema).table('_usage_indexes') as Promise<OwnIndexRow[]>,
        readIndexes(
          this.knex,
          this.schema,
          objects.map((o) => o.table),
        ),
      ]);
      const live = new Map(catalog.indexes.map((i) => [i.name, i]));
      await this.noteScans(own, live);
      for (const object of objects) {
        const mine = own.filter((o) => o.object_id === object.def.id);
        const verdicts = this.decide(
          object,
          usage.filter((u) => u.object_id === object.def.id),
          mine,
          catalog.indexes.filter((i) => i.table === object.table),
          catalog.rows.get(object.table) ?? 0,
        );
        const wanted = new Map(
          verdicts.filter((v) => v.state === 'indexed' || v.state === 'building').map((v) => [v.index!, v]),
        );
        const ours = catalog.indexes.filter((i) => i.table === object.table && i.name.startsWith('tsi_'));
        for (const index of ours)
          if (!wanted.has(index.name) || !index.valid) {
            await this.drop(index.name);
            dropped.push(index.name);
          }
        for (const [name, v] of wanted) {
          // PGlite has one connection: a build holds every request for its length (6–8 s on 2M
          // rows), so it builds one index per run, a pause a minute rather than one long stall.
          if (v.state !== 'building' || (built.length && (await this.isPglite()))) continue;
          if (await this.build(object, name, v)) built.push(name);
        }
      }
      // Rows of indexes gone from the catalog (dropped here, or with their column).
      const present = new Set(
        (
          await readIndexes(
            this.knex,
            this.schema,
            objects.map((o) => o.table),
          )
        ).indexes.map((i) => i.name),
      );
      const gone = own.filter((o) => !present.has(o.name)).map((o) => o.name);
      if (gone.length) await this.knex.withSchema(this.schema).table('_usage_indexes').whereIn('name', gone).delete();
      // Shapes nobody has run for twice the grace period are forgotten (their indexes went at once).
      await this.knex
        .withSchema(this.schema)
        .table('_index_usage')
        .where('last_seen', '<', new Date(Date.now() - 2 * this.options.unusedDays * 86_400_000))
        .delete();
    } finally {
      await this.knex
        .withSchema(this.schema)
        .table('_index_advisor')
        .where('id', 1)
        .update({ lease_until: null, last_run: this.knex.fn.now() });
    }
    return { built, dropped };
  }

  /** The lease: one engine advises at a time; a lease left by a killed engine runs out. */
  private async claim(): Promise<boolean> {
    const taken = await this.knex
      .withSchema(this.schema)
      .table('_index_advisor')
      .where('id', 1)
      .whereRaw('(lease_until is null or lease_until < now())')
      .update({ lease_until: this.knex.raw("now() + interval '15 minutes'") });
    return taken === 1;
  }

  /** An index scanned since the last run counts as used now, whatever request read it. */
  private async noteScans(own: OwnIndexRow[], live: Map<string, CatalogIndex>): Promise<void> {
    for (const row of own) {
      const scans = live.get(row.name)?.scans;
      if (scans === undefined || scans <= Number(row.scans)) continue;
      await this.knex
        .withSchema(this.schema)
        .table('_usage_indexes')
        .where('name', row.name)
        .update({ scans, last_used: this.knex.fn.now() });
      row.last_used = new Date();
    }
  }

  private async build(object: CompiledObject, name: string, v: ShapeVerdict): Promise<boolean> {
    const columns = v.columns!;
    // Only placeholders and fixed words go into the text; every name is bound as an identifier.
    const keys = columns.map((c) => (c.desc ? '?? desc' : '??')).join(', ');
    const concurrently = (await this.isPglite()) ? '' : 'concurrently ';
    const t0 = performance.now();
    try {
      await this.knex.raw(`create index ${concurrently}if not exists ?? on ??.?? (${keys})`, [
        name,
        this.schema,
        object.table,
        ...columns.map((c) => c.column),
      ]);
    } catch (err) {
      // A publish changed the table meanwhile, or the build was cancelled: an invalid index
      // (CONCURRENTLY leaves one behind) is dropped, and the next run tries again.
      this.logger.warn({ err, index: name, object: object.def.apiName }, 'building an index failed');
      await this.drop(name).catch(() => undefined);
      return false;
    }
    const buildMs = Math.round(performance.now() - t0);
    await this.knex
      .withSchema(this.schema)
      .table('_usage_indexes')
      .insert({ name, object_id: object.def.id, shape: v.shape.text, source: v.source, build_ms: buildMs })
      .onConflict('name')
      .merge(['shape', 'source', 'build_ms']);
    this.logger.info(
      { index: name, object: object.def.apiName, columns: columns.map((c) => c.column), buildMs },
      'built an index for a list shape in use',
    );
    return true;
  }

  private isPglite(): Promise<boolean> {
    return (this.pglite ??= serverIsPGlite(this.knex));
  }

  private async drop(name: string): Promise<void> {
    const concurrently = (await this.isPglite()) ? '' : 'concurrently ';
    await this.knex.raw(`drop index ${concurrently}if exists ??.??`, [this.schema, name]);
    this.logger.info({ index: name }, 'dropped an index no longer in use');
  }
}
