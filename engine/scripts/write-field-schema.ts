import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildFieldSchema } from '../src/metadata/field-schema.js';

const target = fileURLToPath(new URL('../../metadata/schemas/field.schema.json', import.meta.url));
fs.writeFileSync(target, JSON.stringify(buildFieldSchema(), null, 2) + '\n');
console.log(`wrote ${target}`);
