import type { Knex } from 'knex';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import { recordEvents, recordManyChanges } from './history.js';
import { toRecord } from './record-shape.js';
import { refreshRollups, rollupsOver } from './rollups.js';

/**
 * What an all-or-none import on embedded PGlite has written once every row was accepted
 * (_import_applied, a row a chunk), logged in the transaction of the chunk, and the undo of it:
 * the records it created deleted, those it updated put back as they were, the rollups over both
 * recomputed. Field history is only ever appended, and the rows were there for others to see for
 * a while, so the undo adds entries (`purged` for a created record, `updated` back to the old
 * values) rather than removing the import's own.
 */

type Row = Record<string, unknown>;

/** Parents whose rollups one transaction refreshes after an import completes. */
const PARENTS_PER_STEP = 200;

export class AppliedLog {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
  ) {}

  private get log() {
    return `${this.schema}._import_applied`;
  }

  private table(object: CompiledObject) {
    return `${this.schema}.${object.table}`;
  }

  /**
   * Before an upsert chunk is written: the live records its keys match, as they are now (a key
   * that matches none creates a record, logged by `created`).
   */
  async before(
    trx: Knex.Transaction,
    jobId: string,
    chunk: number,
    object: CompiledObject,
    column: string,
    keys: unknown[],
  ): Promise<void> {
    await trx.raw(
      `insert into ?? (job_id, chunk, updated)
      select ?, ?, jsonb_agg(to_jsonb(t)) from ?? t where t.?? = any(?) and t.deleted_at is null`,
      [this.log, jobId, chunk, this.table(object), column, keys as Knex.RawBinding],
    );
  }

  private get outbox() {
    return `${this.schema}._automation_outbox`;
  }

  /** Before a chunk is written: the last change captured for workflows so far. */
  async outboxMark(trx: Knex.Transaction): Promise<string> {
    const { rows } = await trx.raw<{ rows: { seq: string }[] }>('select coalesce(max(seq), 0) as seq from ??', [
      this.outbox,
    ]);
    return rows[0]!.seq;
  }

  /**
   * After a chunk is written: the records it created, and the changes for workflows its
   * transaction captured (after `outboxAfter`, up to now). Those wait in the outbox while the job
   * writes (automation/dispatcher.ts holds the object's changes), and an undo deletes the created
   * records' unsent: no workflow runs for a record the import took back.
   */
  async created(
    trx: Knex.Transaction,
    jobId: string,
    chunk: number,
    ids: string[],
    outboxAfter: string,
  ): Promise<void> {
    await trx.raw(
      `insert into ?? (job_id, chunk, created, outbox_after, outbox_upto)
      values (?, ?, ?::uuid[], ?, (select coalesce(max(seq), 0) from ??))
      on conflict (job_id, chunk) do update
      set created = excluded.created, outbox_after = excluded.outbox_after, outbox_upto = excluded.outbox_upto`,
      [this.log, jobId, chunk, ids, outboxAfter, this.outbox],
    );
  }

  /**
   * Reverts what the job wrote, the last chunk first, a chunk a transaction (on PGlite others
   * wait for each). A record another request changed since is put back too. No other record
   * points at a created one: a lookup to a record of an import still writing is refused
   * (records/lookups.ts).
   */
  async undo(jobId: string, object: CompiledObject, metadata: CompiledMetadata, caller: Caller): Promise<void> {
    const columns = await this.restorable(object);
    const table = this.table(object);
    for (;;) {
      const more = await this.knex.transaction(async (trx) => {
        const logged = await trx(this.log)
          .where({ job_id: jobId })
          .orderBy('chunk', 'desc')
          .first<{ chunk: number; created: string[] } | undefined>('chunk', 'created');
        if (!logged) return false;
        const touched: Row[] = [];
        if (logged.created.length) {
          await trx.raw(
            `delete from ?? o using ?? l where l.job_id = ? and l.chunk = ?
            and o.seq > l.outbox_after and o.seq <= l.outbox_upto and o.record_id = any(l.created)`,
            [this.outbox, this.log, jobId, logged.chunk],
          );
          const deleted = await trx(table).whereIn('id', logged.created).delete().returning<Row[]>('*');
          await recordEvents(
            trx,
            this.schema,
            object,
            deleted.map((r) => r.id as string),
            'purged',
            caller,
          );
          touched.push(...deleted);
        }
        const { rows: current } = await trx.raw<{ rows: Row[] }>(
          `select t.* from ?? t where t.id in (select (r->>'id')::uuid
            from ?? l cross join lateral jsonb_array_elements(l.updated) r where l.job_id = ? and l.chunk = ?)
          for update`,
          [table, this.log, jobId, logged.chunk],
        );
        if (current.length) {
          // Every column but id, from the row as it was (to_jsonb and back gives the same values).
          const { rows: restored } = await trx.raw<{ rows: Row[] }>(
            `update ?? t set (${columns.map(() => '??').join(', ')}) = (${columns.map(() => 'b.??').join(', ')})
            from ?? l cross join lateral jsonb_populate_recordset(null::??, l.updated) b
            where l.job_id = ? and l.chunk = ? and t.id = b.id
            returning t.*`,
            [table, ...columns, ...columns, this.log, table, jobId, logged.chunk],
          );
          const byId = new Map(current.map((r) => [r.id, r]));
          await recordManyChanges(
            trx,
            this.schema,
            object,
            restored.map((r) => [toRecord(object, byId.get(r.id)!), toRecord(object, r)]),
            caller,
          );
          touched.push(...current, ...restored);
        }
        await refreshRollups(trx, this.schema, metadata, object, touched);
        await trx(this.log).where({ job_id: jobId, chunk: logged.chunk }).delete();
        return true;
      });
      if (!more) return;
    }
  }

  /**
   * Once a completed job's rows show: the rollups over the records it created, which left them
   * out while it wrote (rollups.ts), recomputed once per parent — the parents read a chunk a
   * transaction, then refreshed a few hundred a transaction (a file of many rows under one
   * parent refreshes it once, not once a chunk).
   */
  async countCreated(jobId: string, object: CompiledObject, metadata: CompiledMetadata): Promise<void> {
    const columns = [...new Set(rollupsOver(metadata, object).map((r) => r.relationColumn))];
    if (!columns.length) return;
    const parents = new Map(columns.map((c) => [c, new Set<string>()]));
    const chunks: { chunk: number }[] = await this.knex(this.log)
      .where({ job_id: jobId })
      .orderBy('chunk')
      .select('chunk');
    for (const { chunk } of chunks) {
      const { rows } = await this.knex.raw<{ rows: Row[] }>(
        `select ${columns.map(() => 't.??').join(', ')} from ?? t
        where t.id in (select unnest(l.created) from ?? l where l.job_id = ? and l.chunk = ?)`,
        [...columns, this.table(object), this.log, jobId, chunk],
      );
      for (const row of rows) for (const c of columns) if (typeof row[c] === 'string') parents.get(c)!.add(row[c]);
    }
    for (const [column, ids] of parents) {
      const rows = [...ids].map((id) => ({ [column]: id }));
      for (let i = 0; i < rows.length; i += PARENTS_PER_STEP)
        await this.knex.transaction((trx) =>
          refreshRollups(trx, this.schema, metadata, object, rows.slice(i, i + PARENTS_PER_STEP)),
        );
    }
  }

  /** A completed job's log, no longer needed. */
  async clear(jobId: string, db: Knex = this.knex): Promise<void> {
    await db(this.log).where({ job_id: jobId }).delete();
  }

  /** The columns an undo writes back: all but id and the generated ones. */
  private async restorable(object: CompiledObject): Promise<string[]> {
    const rows: { name: string }[] = await this.knex('information_schema.columns')
      .where({ table_schema: this.schema, table_name: object.table, is_generated: 'NEVER' })
      .whereNot('column_name', 'id')
      .orderBy('ordinal_position')
      .select('column_name as name');
    return rows.map((r) => r.name);
  }
}
