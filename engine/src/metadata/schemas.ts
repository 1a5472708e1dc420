import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { buildFieldSchema } from './field-schema.js';

/**
 * One ajv instance holding the meta-model's JSON Schemas from metadata/schemas. field.schema.json
 * is taken from code (it is generated from the field-type modules) so it can never be stale here.
 */
const SCHEMA_DIR = fileURLToPath(new URL('../../../metadata/schemas/', import.meta.url));

// The standard formats, narrowed to what Postgres accepts, so a value that passes validation
// never fails in the database: date-times with seconds to 59 and offsets to ±15:59, and bare
// uuids (the standard format also takes a urn:uuid: prefix).
const PG_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:[0-5]\d(\.\d+)?([Zz]|[+-](0\d|1[0-5]):[0-5]\d)$/;
const PG_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const standardDateTime = fullFormats['date-time'] as { validate: (s: string) => boolean };
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => standardDateTime.validate(s) && PG_DATE_TIME.test(s),
  });
  ajv.addFormat('uuid', { type: 'string', validate: (s: string) => PG_UUID.test(s) });
  return ajv;
}

let metaAjv: Ajv2020 | undefined;
function ajv(): Ajv2020 {
  if (metaAjv) return metaAjv;
  metaAjv = newAjv();
  for (const file of fs.readdirSync(SCHEMA_DIR)) {
    if (!file.endsWith('.schema.json') || file === 'field.schema.json') continue;
    metaAjv.addSchema(JSON.parse(fs.readFileSync(SCHEMA_DIR + file, 'utf8')) as AnySchemaObject);
  }
  metaAjv.addSchema(buildFieldSchema());
  return metaAjv;
}

export type SchemaName =
  | 'object'
  | 'layout'
  | 'list-view'
  | 'dashboard'
  | 'role'
  | 'group'
  | 'permission-set'
  | 'workflow'
  | 'approval-process'
  | 'pack'
  | 'pack-translations';

export function metaValidator(name: SchemaName): ValidateFunction {
  const validate = ajv().getSchema(`https://tessera.dev/schemas/${name}.schema.json`);
  if (!validate) throw new Error(`metadata schema ${name} is missing from metadata/schemas`);
  return validate;
}
