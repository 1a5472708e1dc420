import crypto from 'node:crypto';

/** A new stable id for a metadata item: a kind prefix and 12 random base-36 characters. */
export function newItemId(prefix: 'obj' | 'fld' | 'rul' | 'lay' | 'sec' | 'rel' | 'lv' | 'dsh' | 'wdg' | 'role' | 'grp' | 'ps' | 'shr'): string {
  const bytes = crypto.randomBytes(12);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return `${prefix}_${out}`;
}

/** A short, stable hash for physical names derived from ids (constraint, sequence, archive names). */
export function shortHash(text: string, length = 12): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * A UUIDv7: time-ordered, so new records land at the end of the primary-key index. The 74 random
 * bits come from crypto.randomUUID(), which draws from a pool Node refills in bulk (a
 * randomBytes call per id cost CSV import 5 µs a row).
 */
export function uuidv7(): string {
  const random = crypto.randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V the RFC 4122 variant
  const ms = Date.now().toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
