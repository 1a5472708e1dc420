import type { Knex } from 'knex';
import type { CompiledObject } from '../metadata/compile.js';
import type { IndexShape } from '../query/index-shape.js';

/**
 * Counts the list shapes (query/index-shape.ts) this process serves, per object, in memory, and
 * adds them to `_index_usage` every few seconds, so the shapes of every engine process add up in
 * one place for the index advisor. A request only increments a counter: the list path pays no
 * statement for it. A process killed between two flushes loses those seconds of counts, which
 * only delays an index.
 */

interface Count {
  objectId: string;
  shape: IndexShape;
  requests: number;
  lastSeen: Date;
}

/** Distinct shapes kept between flushes; past it, new shapes wait for the next flush. */
const MAX_PENDING = 1000;

export class IndexUsage {
  private pending = new Map<string, Count>();

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
  ) {}

  /** One list request of this shape. */
  saw(object: CompiledObject, shape: IndexShape): void {
    const key = `${object.def.id} ${shape.text}`;
    const count = this.pending.get(key);
    if (count) {
      count.requests++;
      count.lastSeen = new Date();
    } else if (this.pending.size < MAX_PENDING) {
      this.pending.set(key, { objectId: object.def.id, shape, requests: 1, lastSeen: new Date() });
    }
  }

  /** Adds what was counted since the last flush to `_index_usage`. */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const counts = [...this.pending.values()];
    this.pending = new Map();
    await this.knex
      .withSchema(this.schema)
      .table('_index_usage')
      .insert(
        counts.map((c) => ({
          object_id: c.objectId,
          shape: c.shape.text,
          keys: JSON.stringify({ keys: c.shape.keys, equal: c.shape.equal }),
          requests: c.requests,
          last_seen: c.lastSeen,
        })),
      )
      .onConflict(['object_id', 'shape'])
      .merge({
        requests: this.knex.raw('??.requests + excluded.requests', ['_index_usage']),
        last_seen: this.knex.raw('greatest(??.last_seen, excluded.last_seen)', ['_index_usage']),
      });
  }
}
