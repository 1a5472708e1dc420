import crypto from 'node:crypto';

/** A new stable id for a metadata item: a kind prefix and 12 random base-36 characters. */
export function newItemId(prefix: 'obj' | 'fld' | 'rul' | 'lay' | 'sec' | 'rel' | 'lv' | 'role' | 'grp' | 'ps' | 'shr'): string {
  const bytes = crypto.randomBytes(12);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return `${prefix}_${out}`;
}

/** A short, stable hash for physical names derived from ids (constraint, sequence, archive names). */
export function shortHash(text: string, length = 12): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A UUIDv7: time-ordered, so new records land at the end of the primary-key index. */
export function uuidv7(): string {
  const bytes = crypto.randomBytes(16);
  const now = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((now >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
