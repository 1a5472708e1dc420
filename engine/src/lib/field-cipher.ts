import crypto from 'node:crypto';

/**
 * Encryption of field values at rest: AES-256-GCM from Node's crypto, under keys from
 * TESSERA_ENCRYPTION_KEY (and, while a rotation runs, the old ones in
 * TESSERA_ENCRYPTION_OLD_KEYS). A stored value is `tsr1.<key id>.<base64url(iv | ciphertext | tag)>`;
 * the field's id is the associated data, so a value copied into another field does not decrypt.
 *
 * Equality search goes through a blind index: an HMAC of the field id and the value, kept in a
 * column beside it, so `national_id = X` (and uniqueness) works without the database ever
 * holding the value in clear. Each master key yields its own encryption and index keys (HKDF).
 *
 * The key ring is process configuration, like the environment it comes from: the engine sets it
 * once at start (setFieldKeys) and the field modules, which are static, read it here.
 */

const PREFIX = 'tsr1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** 128 bits of the HMAC: ample against collisions, shorter in every index entry. */
const INDEX_HEX = 32;

interface FieldKey {
  id: string;
  encryption: Buffer;
  index: Buffer;
}

let ring: { current: FieldKey; old: FieldKey[] } | undefined;

const derive = (master: Buffer, info: string) => Buffer.from(crypto.hkdfSync('sha256', master, '', info, 32));

/** A 32-byte key written as 64 hex digits or as base64 (44 characters). */
export function parseFieldKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('an encryption key is 32 bytes, written as 64 hex digits or in base64');
  return key;
}

function fieldKey(master: Buffer): FieldKey {
  return {
    id: crypto.createHash('sha256').update('tessera key id').update(master).digest('hex').slice(0, 8),
    encryption: derive(master, 'tessera field encryption'),
    index: derive(master, 'tessera blind index'),
  };
}

/** Sets the keys: the current one encrypts, every one decrypts. Undefined: no encrypted fields. */
export function setFieldKeys(keys: { current: Buffer; old?: Buffer[] } | undefined): void {
  ring = keys && { current: fieldKey(keys.current), old: (keys.old ?? []).map(fieldKey) };
}

/** Whether a key is set, so encrypted fields can be published. */
export const fieldKeysSet = (): boolean => ring !== undefined;

/** The id of the key new values are encrypted under. */
export const currentKeyId = (): string => keys().current.id;

function keys() {
  if (!ring) throw new Error('no encryption key is set (TESSERA_ENCRYPTION_KEY)');
  return ring;
}

export function encryptValue(plain: string, fieldId: string): string {
  const key = keys().current;
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key.encryption, iv);
  cipher.setAAD(Buffer.from(fieldId));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}.${key.id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The key id a stored value was encrypted under; undefined for a value stored in clear. */
export function keyIdOf(stored: string): string | undefined {
  const [prefix, id] = stored.split('.', 2);
  return prefix === PREFIX && id ? id : undefined;
}

/**
 * The value in clear. A value stored before the field was encrypted is returned as it is, so a
 * field turned encrypted reads the same until `tessera keys rotate` has encrypted it.
 */
export function decryptValue(stored: string, fieldId: string): string {
  const id = keyIdOf(stored);
  if (id === undefined) return stored;
  const { current, old } = keys();
  const key = [current, ...old].find((k) => k.id === id);
  if (!key) throw new Error(`a value is encrypted under key ${id}, which is not among the keys set`);
  const raw = Buffer.from(stored.slice(PREFIX.length + id.length + 2), 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key.encryption, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(fieldId));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}

const indexUnder = (key: FieldKey, plain: string, fieldId: string) =>
  crypto.createHmac('sha256', key.index).update(fieldId).update('\0').update(plain).digest('hex').slice(0, INDEX_HEX);

/** The blind index new values get (under the current key). */
export const blindIndex = (plain: string, fieldId: string): string => indexUnder(keys().current, plain, fieldId);

/** The value's blind index under every key set: a search matches rows not yet rotated too. */
export function blindIndexes(plain: string, fieldId: string): string[] {
  const { current, old } = keys();
  return [current, ...old].map((k) => indexUnder(k, plain, fieldId));
}
