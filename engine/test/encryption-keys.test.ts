import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setFieldKeys } from '../src/lib/field-cipher.js';
import { rotateFieldKeys } from '../src/records/rotate-keys.js';
import { expectProblem } from './support/security.js';
import { startTestEngine, TEST_FIELD_KEY, type TestEngine } from './support/test-engine.js';

/**
 * The keys under encrypted fields: a rotation re-encrypts every value under the new key while
 * reads, filters and uniqueness keep working with both keys set, after which the old key is no
 * longer needed; an engine without a key refuses to publish an encrypted field. Engines here
 * run one after another on the same data (the key ring is the process's, as the environment is).
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keys-'));
const dataDir = path.join(dir, 'data');
const NEW_KEY = Buffer.alloc(32, 9);
const R = '/api/v1/records/key_card';
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const named = async (t: TestEngine, filter: unknown) =>
  ((await t.api('GET', `${R}?${q({ filter: JSON.stringify(filter) })}`)).body.data as { name: string }[]).map(
    (r) => r.name,
  );
const keyIds = async (t: TestEngine) =>
  (await t.sql<{ k: string }>("select distinct split_part(code, '.', 2) as k from ??.key_card", [t.schema])).map(
    (r) => r.k,
  );

describe('key rotation', () => {
  it('re-encrypts under the new key, and the old key is not needed afterwards', async () => {
    const first = await startTestEngine({ dataDir, keepSchema: true, encryptionKeys: { current: TEST_FIELD_KEY } });
    const schema = first.schema;
    const def = {
      apiName: 'key_card',
      label: 'Card',
      pluralLabel: 'Cards',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'code', type: 'text', label: 'Code', encrypted: true, unique: true },
      ],
    };
    expect((await first.api('POST', '/api/v1/meta/objects', def)).status).toBe(201);
    expect((await first.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    for (let i = 0; i < 7; i++)
      expect((await first.api('POST', R, { name: `card ${i}`, code: `C-${i}` })).status).toBe(201);
    const [oldId] = await keyIds(first);
    await first.close();

    const second = await startTestEngine({
      dataDir,
      schema,
      keepSchema: true,
      encryptionKeys: { current: NEW_KEY, old: [TEST_FIELD_KEY] },
    });
    try {
      // Both keys set: old values read and are found; a new one goes under the new key.
      expect(await named(second, { code: 'C-3' })).toEqual(['card 3']);
      expect((await second.api('POST', R, { name: 'card 7', code: 'C-7' })).status).toBe(201);
      expectProblem(await second.api('POST', R, { name: 'again', code: 'C-7' }), 422, [
        { field: 'code', code: 'unique' },
      ]);
      expect((await keyIds(second)).length).toBe(2);
      const rotated = await rotateFieldKeys(second.engine.db.knex, schema, second.engine.metadata.compiled, 3);
      expect(rotated).toEqual([{ object: 'key_card', field: 'code', rows: 7 }]);
      const [newId] = await keyIds(second);
      expect(newId).not.toBe(oldId);
      expect(await keyIds(second)).toEqual([newId]);
      // Nothing left to do: a second run touches no row.
      expect(await rotateFieldKeys(second.engine.db.knex, schema, second.engine.metadata.compiled)).toEqual([
        { object: 'key_card', field: 'code', rows: 0 },
      ]);
    } finally {
      await second.close();
    }

    const third = await startTestEngine({ dataDir, schema, encryptionKeys: { current: NEW_KEY } });
    try {
      expect(await named(third, { code: 'C-5' })).toEqual(['card 5']);
      const all = (await third.api('GET', `${R}?${q({ sort: 'name', limit: '50' })}`)).body.data as { code: string }[];
      expect(all.map((r) => r.code)).toEqual(['C-0', 'C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6', 'C-7']);
      expectProblem(await third.api('POST', R, { name: 'dup', code: 'C-0' }), 422, [{ field: 'code', code: 'unique' }]);
    } finally {
      await third.close();
    }
  });
});

describe('without a key', () => {
  it('refuses to publish an encrypted field, saying which setting is missing', async () => {
    const keyless = await startTestEngine({ encryptionKeys: null });
    try {
      const res = await keyless.api('POST', '/api/v1/meta/objects', {
        apiName: 'enc_nokey',
        label: 'No key',
        pluralLabel: 'No keys',
        nameField: 'name',
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'secret', type: 'text', label: 'Secret', encrypted: true },
        ],
      });
      expectProblem(res, 422, [{ field: '/fields/1/encrypted', code: 'encryption' }]);
      expect(res.body.errors[0].message).toContain('TESSERA_ENCRYPTION_KEY');
    } finally {
      await keyless.close();
      setFieldKeys(undefined);
    }
  });
});
