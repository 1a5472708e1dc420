import type { Knex } from 'knex';
import { UUID } from '../lib/ids.js';
import { badRequest, notFound } from '../errors.js';

/** A user's notifications (the bell): their own only, newest first, and marking them read. */

export interface Notification {
  id: string;
  title: string;
  body: string | null;
  object: string | null;
  recordId: string | null;
  runId: string | null;
  createdAt: string;
  readAt: string | null;
}

interface Row {
  id: string;
  title: string;
  body: string | null;
  object: string | null;
  record_id: string | null;
  run_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  title: r.title,
  body: r.body,
  object: r.object,
  recordId: r.record_id,
  runId: r.run_id,
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});

export class Notifications {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
  ) {}

  private table() {
    return this.knex(`${this.schema}._notifications`);
  }

  async list(
    userId: string,
    query: { unread?: unknown; limit?: unknown; before?: unknown },
  ): Promise<{ data: Notification[]; unread: number }> {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw badRequest('limit is 1 to 100', [{ field: 'limit', code: 'maximum', message: '1 to 100' }]);
    if (query.unread !== undefined && query.unread !== 'true' && query.unread !== 'false')
      throw badRequest('unread is true or false', [{ field: 'unread', code: 'enum', message: 'true or false' }]);
    if (query.before !== undefined && !(typeof query.before === 'string' && UUID.test(query.before)))
      throw badRequest('before is a notification id', [
        { field: 'before', code: 'format', message: 'a notification id' },
      ]);
    const q = this.table().where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
    if (query.unread === 'true') q.whereNull('read_at');
    if (typeof query.before === 'string') q.where('id', '<', query.before);
    const [rows, [count]] = await Promise.all([
      q.select<Row[]>('id', 'title', 'body', 'object', 'record_id', 'run_id', 'created_at', 'read_at'),
      this.table().where({ user_id: userId }).whereNull('read_at').count<{ n: string }[]>({ n: '*' }),
    ]);
    return { data: rows.map(toNotification), unread: Number(count?.n ?? 0) };
  }

  /** Marks one of the user's notifications read; another's answers 404, as one that does not exist. */
  async markRead(userId: string, id: string): Promise<void> {
    const n = UUID.test(id)
      ? await this.table()
          .where({ id, user_id: userId })
          .update({ read_at: this.knex.raw('coalesce(read_at, now())') })
      : 0;
    if (!n) throw notFound(`notification ${id} does not exist`);
  }

  async markAllRead(userId: string): Promise<{ marked: number }> {
    const marked = await this.table()
      .where({ user_id: userId })
      .whereNull('read_at')
      .update({ read_at: this.knex.fn.now() });
    return { marked };
  }
}
