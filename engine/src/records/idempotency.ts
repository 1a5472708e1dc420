import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { Problem } from '../errors.js';

/**
 * Idempotency-Key for bulk requests (create, update, delete): the first answer is stored in the
 * transaction that did the work, so a retry after a lost response gets that answer again and
 * changes nothing; the same key with a different request is refused (422).
 */

/** A fingerprint of what a request asks for; `request` must be plain JSON. */
export const requestHash = (request: unknown): string =>
  crypto.createHash('sha256').update(JSON.stringify(request)).digest('hex');

export async function idempotent<T>(
  trx: Knex.Transaction,
  schema: string,
  userId: string,
  key: string | undefined,
  hash: string,
  work: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (key !== undefined) {
    // Two requests with the same key at the same moment: the second waits here until the first
    // commits, then finds its answer (instead of both doing the work, or the second failing on
    // the key's uniqueness).
    await trx.raw('select pg_advisory_xact_lock(hashtext(?), hashtext(?))', [`${schema}:${userId}`, key]);
    const previous = await trx(`${schema}._idempotency`)
      .where({ user_id: userId, key })
      .first<{ request_hash: string; response: unknown } | undefined>('request_hash', 'response');
    if (previous) {
      if (previous.request_hash !== hash) {
        throw new Problem('idempotency-key-reused', 'this Idempotency-Key was used for a different request', [
          { field: 'Idempotency-Key', code: 'reused', message: 'use a new key for a new request' },
        ]);
      }
      return { result: previous.response as T, replayed: true };
    }
  }
  const result = await work();
  if (key !== undefined)
    await trx(`${schema}._idempotency`).insert({
      user_id: userId,
      key,
      request_hash: hash,
      response: JSON.stringify(result),
    });
  return { result, replayed: false };
}
