import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPack, CORE_PACK_DIR } from '../packs/pack-files.js';
import { buildFieldSchema } from './field-schema.js';
import { buildUiFieldTypes, UI_FIELD_TYPES_FILE } from '../../scripts/ui-field-types.js';
import { validateSnapshot } from './validate.js';
import { draftChecks } from '../query/draft-checks.js';

const dir = fileURLToPath(new URL('../../../metadata/schemas/', import.meta.url));
const schemaFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json'));

/** Every property declared anywhere in a schema, with its path. */
function properties(node: unknown, path: string, out: [string, Record<string, unknown>][] = []) {
  if (Array.isArray(node)) node.forEach((n, i) => properties(n, `${path}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') {
        for (const [name, schema] of Object.entries(value))
          out.push([`${path}/properties/${name}`, schema as Record<string, unknown>]);
      }
      properties(value, `${path}/${key}`, out);
    }
  }
  return out;
}

describe('metadata schemas', () => {
  it('has a 2020-12 schema for every metadata kind issue #2 names', () => {
    for (const kind of ['object', 'field', 'layout', 'list-view', 'validation-rule', 'pack']) {
      const schema = JSON.parse(fs.readFileSync(`${dir}${kind}.schema.json`, 'utf8'));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://tessera.dev/schemas/${kind}.schema.json`);
    }
  });

  it('documents every property with a description', () => {
    const missing: string[] = [];
    for (const file of schemaFiles) {
      const schema = JSON.parse(fs.readFileSync(dir + file, 'utf8'));
      for (const [path, prop] of properties(schema, file)) {
        // `if` blocks only test a value; they declare nothing
        if (path.includes('/if/')) continue;
        if (typeof prop.description !== 'string' || prop.description.length < 3) missing.push(path);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps field.schema.json equal to what the field-type modules declare (npm run schemas)', () => {
    expect(JSON.parse(fs.readFileSync(`${dir}field.schema.json`, 'utf8'))).toEqual(buildFieldSchema());
  });

  it('keeps the runtime UI’s field-types.generated.ts equal to the field-type registry (npm run schemas)', async () => {
    expect(fs.readFileSync(UI_FIELD_TYPES_FILE, 'utf8')).toBe(await buildUiFieldTypes());
  });

  it('ships a core pack that passes validation', () => {
    const { manifest, snapshot } = readPack(CORE_PACK_DIR);
    expect(manifest.namespace).toBe('core');
    expect(snapshot.objects.map((o) => o.apiName).sort()).toEqual([
      'account',
      'activity',
      'contact',
      'lead',
      'opportunity',
      'product',
      'support_case',
    ]);
    expect(validateSnapshot(snapshot, draftChecks)).toEqual([]);
    for (const obj of snapshot.objects) {
      for (const item of [obj, ...obj.fields]) {
        expect(item.label, `${obj.apiName}.${item.apiName}`).toEqual({
          en: expect.any(String),
          'zh-CN': expect.any(String),
        });
      }
    }
  });

  it('names a field of no known type by its schema error, without reading its type', () => {
    const { snapshot } = readPack(CORE_PACK_DIR);
    const account = snapshot.objects.find((o) => o.apiName === 'account')!;
    account.fields.push({ id: 'x.account.tier', apiName: 'tier', type: 'picklst' as never, label: 'Tier' });
    expect(validateSnapshot(snapshot, draftChecks)).toContainEqual(
      expect.objectContaining({ field: `/objects/account/fields/${account.fields.length - 1}/type`, code: 'enum' }),
    );
  });
});
