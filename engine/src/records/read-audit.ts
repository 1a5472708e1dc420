import type { Knex } from 'knex';
import { badRequest } from '../errors.js';
import { UUID } from '../lib/ids.js';
import type { Caller } from '../security/caller.js';
import type { AuditedRead } from './reveal.js';

/**
 * The read audit: who was shown which audited fields (`auditReads`) of which record, when, and
 * how (a get, a list page, a search, an export, the answer to their own write) — what HIPAA asks
 * of protected health information. Written in the request that showed them, so a read that
 * could not be recorded fails rather than going unrecorded. Append-only; the API reads it.
 */

export type ReadAction = 'get' | 'list' | 'search' | 'export' | 'write';

export interface ReadAuditEntry {
  seq: number;
  at: string;
  userId: string;
  userName: string | null;
  object: string;
  recordId: string;
  fields: string[];
  action: ReadAction;
  via: string;
}

export interface ReadAuditQuery {
  object?: string;
  recordId?: string;
  userId?: string;
  limit?: number;
  before?: number;
}

const table = (schema: string) => `${schema}._read_audit`;

/** One row per record shown; a list page's rows go in one INSERT. */
export async function recordReads(
  db: Knex | Knex.Transaction,
  schema: string,
  reads: readonly AuditedRead[],
  caller: Pick<Caller, 'userId' | 'via'>,
  action: ReadAction,
): Promise<void> {
  if (!reads.length) return;
  await db(table(schema)).insert(
    reads.map((r) => ({
      user_id: caller.userId,
      object: r.object,
      record_id: r.recordId,
      fields: r.fields,
      action,
      via: caller.via,
    })),
  );
}

/** Newest first, narrowed by object, record or user; `before` pages back by sequence number. */
export async function listReads(knex: Knex, schema: string, query: ReadAuditQuery): Promise<ReadAuditEntry[]> {
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badRequest('limit is 1 to 500', [{ field: 'limit', code: 'range', message: 'limit is 1 to 500' }]);
  if (query.before !== undefined && !Number.isInteger(query.before))
    throw badRequest('before is a sequence number', [
      { field: 'before', code: 'type', message: 'before is a whole number' },
    ]);
  for (const key of ['recordId', 'userId'] as const) {
    const value = query[key];
    if (value !== undefined && !UUID.test(value))
      throw badRequest(`${key} is a record id`, [{ field: key, code: 'type', message: `${key} must be a uuid` }]);
  }
  const qb = knex(`${table(schema)} as a`)
    .leftJoin(`${schema}._users as u`, 'u.id', 'a.user_id')
    .orderBy('a.seq', 'desc')
    .limit(limit)
    .select(
      'a.seq',
      'a.at',
      'a.user_id',
      'u.name as user_name',
      'a.object',
      'a.record_id',
      'a.fields',
      'a.action',
      'a.via',
    );
  if (query.object !== undefined) qb.where('a.object', query.object);
  if (query.recordId !== undefined) qb.where('a.record_id', query.recordId);
  if (query.userId !== undefined) qb.where('a.user_id', query.userId);
  if (query.before !== undefined) qb.where('a.seq', '<', query.before);
  const rows = (await qb) as Record<string, unknown>[];
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at as string).toISOString(),
    userId: r.user_id as string,
    userName: (r.user_name as string | null) ?? null,
    object: r.object as string,
    recordId: r.record_id as string,
    fields: r.fields as string[],
    action: r.action as ReadAction,
    via: r.via as string,
  }));
}
