import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the time in ms', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Time-ordered: ids of later milliseconds sort after earlier ones.
    const prefixes = ids.map((id) => id.slice(0, 13));
    expect([...prefixes].sort()).toEqual(prefixes);
  });

  it('spreads its random bits over every position, across pool refills', () => {
    const ids = Array.from({ length: 2000 }, () => uuidv7().replace(/-/g, ''));
    for (const position of [14, 15, 17, 18, 19, 20, 31]) expect(new Set(ids.map((id) => id[position])).size).toBe(16);
    // uuid's v7 keeps the top bit of its 12-bit counter (rand_a) clear, so it can count up.
    expect(new Set(ids.map((id) => id[13])).size).toBe(8);
    expect(new Set(ids.map((id) => id[16])).size).toBe(4); // the variant nibble: 8, 9, a, b
  });
});
