import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildFieldSchema } from '../src/metadata/field-schema.js';
import { buildUiFieldTypes, UI_FIELD_TYPES_FILE } from './ui-field-types.js';

// What the field-type registry declares, written where others read it: the metadata schema of a
// field, and the type names the runtime UI compiles against.
const target = fileURLToPath(new URL('../../metadata/schemas/field.schema.json', import.meta.url));
fs.writeFileSync(target, JSON.stringify(buildFieldSchema(), null, 2) + '\n');
console.log(`wrote ${target}`);
fs.writeFileSync(UI_FIELD_TYPES_FILE, await buildUiFieldTypes());
console.log(`wrote ${UI_FIELD_TYPES_FILE}`);
