import crypto from 'node:crypto';

/** A new stable id for a metadata item: a kind prefix and 12 random base-36 characters. */
export function newItemId(
  prefix: 'obj' | 'fld' | 'rul' | 'lay' | 'sec' | 'rel' | 'lv' | 'dsh' | 'wdg' | 'role' | 'grp' | 'ps' | 'shr',
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

/** Random bytes for uuidv7, drawn 4 KB at a time: a call per id cost CSV import 5 µs a row. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** A UUIDv7: time-ordered, so new records land at the end of the primary-key index. */
export function uuidv7(): string {
  if (poolAt + 10 > pool.length) {
    crypto.randomFillSync(pool);
    poolAt = 0;
  }
  // 74 random bits from 10 bytes: rand_a's 12, then rand_b's 62 (2 beside the variant bits, 12, 48).
  const random = pool.toString('hex', poolAt, poolAt + 10);
  poolAt += 10;
  const ms = Date.now().toString(16).padStart(12, '0');
  const variant = (8 | (parseInt(random[3]!, 16) & 3)).toString(16);
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}
