import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildFieldSchema } from './field-schema.js';

/**
 * One ajv instance holding the meta-model's JSON Schemas from metadata/schemas. field.schema.json
 * is taken from code (it is generated from the field-type modules) so it can never be stale here.
 */
const SCHEMA_DIR = fileURLToPath(new URL('../../../metadata/schemas/', import.meta.url));

export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

let metaAjv: Ajv2020 | undefined;
function ajv(): Ajv2020 {
  if (metaAjv) return metaAjv;
  metaAjv = newAjv();
  for (const file of fs.readdirSync(SCHEMA_DIR)) {
    if (!file.endsWith('.schema.json') || file === 'field.schema.json') continue;
    metaAjv.addSchema(JSON.parse(fs.readFileSync(SCHEMA_DIR + file, 'utf8')));
  }
  metaAjv.addSchema(buildFieldSchema());
  return metaAjv;
}

export type SchemaName = 'object' | 'layout' | 'list-view' | 'pack';

export function metaValidator(name: SchemaName): ValidateFunction {
  const validate = ajv().getSchema(`https://tessera.dev/schemas/${name}.schema.json`);
  if (!validate) throw new Error(`metadata schema ${name} is missing from metadata/schemas`);
  return validate;
}
