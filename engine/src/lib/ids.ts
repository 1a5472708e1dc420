import crypto from 'node:crypto';
import { v7 } from 'uuid';

/** A new stable id for a metadata item: a kind prefix and 12 random base-36 characters. */
export function newItemId(
  prefix:
    'obj' | 'fld' | 'rul' | 'lay' | 'sec' | 'rel' | 'lv' | 'dsh' | 'wdg' | 'role' | 'grp' | 'ps' | 'shr' | 'wf' | 'ap',
): string {
  const bytes = crypto.randomBytes(12);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return `${prefix}_${out}`;
}

/** A short, stable hash for physical names derived from ids (constraint, sequence, archive names). */
export function shortHash(text: string, length = 12): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

// uuid's own random source costs 2.3 µs an id against 0.38 µs with bytes drawn 4 KB at a time
// (measured on 1M ids); a CSV import makes one per row.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomBytes16(): Uint8Array {
  if (poolAt + 16 > pool.length) {
    crypto.randomFillSync(pool);
    poolAt = 0;
  }
  return pool.subarray(poolAt, (poolAt += 16));
}

/**
 * A UUIDv7: time-ordered, so new records land at the end of the primary-key index. Ids made in the
 * same millisecond are in no particular order among themselves.
 */
export const uuidv7 = (): string => v7({ random: randomBytes16() });

/** A UUIDv7 greater than every one this process made before: for ids whose order is meaningful. */
export const increasingUuidv7 = (): string => v7();

/** A new webhook endpoint secret (Standard Webhooks): `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

/** The secret of an inbound workflow URL: 32 random bytes, URL-safe. */
export function newUrlSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** A UUID in its text form (any version), as record, run and task ids are. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
