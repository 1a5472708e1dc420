import { describe, expect, it } from 'vitest';
import { cliDatabase } from './support/cli.js';
import { TEST_FIELD_KEY } from './support/test-engine.js';

/**
 * `tessera keys rotate` as an operator runs it: the new key in TESSERA_ENCRYPTION_KEY, the old
 * one in TESSERA_ENCRYPTION_OLD_KEYS; every value moves to the new key and says how many.
 * (encryption-keys.test.ts covers reading and finding values during and after a rotation.)
 */

const cli = cliDatabase('keys');
const NEW_KEY = Buffer.alloc(32, 11).toString('hex');
const rotating = { TESSERA_ENCRYPTION_KEY: NEW_KEY, TESSERA_ENCRYPTION_OLD_KEYS: TEST_FIELD_KEY.toString('base64') };
const keyIds = (t: { sql: (s: string, b: unknown[]) => Promise<{ k: string }[]> }, schema: string) =>
  t.sql("select distinct split_part(secret, '.', 2) as k from ??.key_vault order by 1", [schema]);

describe('tessera keys rotate', () => {
  it('encrypts every value again under the new key, and refuses a bad batch size', async () => {
    const before = await cli.withServer(async (t) => {
      const def = {
        apiName: 'key_vault',
        label: 'Vault',
        pluralLabel: 'Vaults',
        nameField: 'name',
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'secret', type: 'text', label: 'Secret', encrypted: true },
        ],
      };
      expect((await t.api('POST', '/api/v1/meta/objects', def)).status).toBe(201);
      expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
      for (const name of ['a', 'b', 'c'])
        expect((await t.api('POST', '/api/v1/records/key_vault', { name, secret: `s-${name}` })).status).toBe(201);
      return keyIds(t, t.schema);
    });
    expect(before).toHaveLength(1);

    const bad = await cli.tessera(['keys', 'rotate', '--batch', '0'], rotating);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--batch');

    const run = await cli.tessera(['keys', 'rotate', '--batch', '2'], rotating);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('default key_vault.secret: 3 value(s) encrypted again');
    const after = await cli.withServer((t) => keyIds(t, t.schema));
    expect(after).toHaveLength(1);
    expect(after[0]!.k).not.toBe(before[0]!.k);

    const again = await cli.tessera(['keys', 'rotate'], rotating);
    expect(again.stdout).toContain('default key_vault.secret: 0 value(s) encrypted again');
  }, 240_000);
});
