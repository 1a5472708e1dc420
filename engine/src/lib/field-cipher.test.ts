import { afterEach, describe, expect, it } from 'vitest';
import {
  blindIndex,
  blindIndexes,
  decryptValue,
  encryptValue,
  keyIdOf,
  parseFieldKey,
  setFieldKeys,
} from './field-cipher.js';

const A = Buffer.alloc(32, 1);
const B = Buffer.alloc(32, 2);
afterEach(() => setFieldKeys(undefined));

describe('field encryption', () => {
  it('round-trips text, with a fresh IV each time, under the current key id', () => {
    setFieldKeys({ current: A });
    const one = encryptValue('身份证 NI-1', 'f.national_id');
    const two = encryptValue('身份证 NI-1', 'f.national_id');
    expect(one).not.toBe(two);
    expect(one).not.toContain('NI-1');
    expect(decryptValue(one, 'f.national_id')).toBe('身份证 NI-1');
    expect(keyIdOf(one)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('refuses a value moved to another field, or tampered with', () => {
    setFieldKeys({ current: A });
    const sealed = encryptValue('secret', 'f.one');
    expect(() => decryptValue(sealed, 'f.two')).toThrow();
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    expect(() => decryptValue(sealed.slice(0, -2) + last + sealed.at(-1), 'f.one')).toThrow();
  });

  it('reads an old key while it is set, and says which key is missing once it is not', () => {
    setFieldKeys({ current: A });
    const old = encryptValue('v', 'f');
    setFieldKeys({ current: B, old: [A] });
    expect(decryptValue(old, 'f')).toBe('v');
    expect(keyIdOf(encryptValue('v', 'f'))).not.toBe(keyIdOf(old));
    setFieldKeys({ current: B });
    expect(() => decryptValue(old, 'f')).toThrow(/not among the keys set/);
  });

  it('indexes equal values alike per field and key, and under every key set', () => {
    setFieldKeys({ current: A, old: [B] });
    expect(blindIndex('x', 'f')).toBe(blindIndex('x', 'f'));
    expect(blindIndex('x', 'f')).not.toBe(blindIndex('x', 'g'));
    expect(blindIndex('x', 'f')).not.toBe(blindIndex('y', 'f'));
    const both = blindIndexes('x', 'f');
    expect(both).toHaveLength(2);
    expect(both[0]).toBe(blindIndex('x', 'f'));
    setFieldKeys({ current: B });
    expect(blindIndex('x', 'f')).toBe(both[1]);
  });

  it('takes a key as 64 hex digits or base64 of 32 bytes, and nothing else', () => {
    expect(parseFieldKey(A.toString('hex'))).toEqual(A);
    expect(parseFieldKey(` ${A.toString('base64')}\n`)).toEqual(A);
    expect(() => parseFieldKey('short')).toThrow(/32 bytes/);
    expect(() => parseFieldKey(Buffer.alloc(16).toString('hex'))).toThrow(/32 bytes/);
  });

  it('needs a key to encrypt', () => {
    expect(() => encryptValue('v', 'f')).toThrow(/TESSERA_ENCRYPTION_KEY/);
  });
});
