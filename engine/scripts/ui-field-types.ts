import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { FILTER_OPERATORS } from '../src/fields/field-type.js';
import { FIELD_TYPE_DEFS, FIELD_TYPES } from '../src/fields/index.js';

/**
 * runtime-ui/src/api/field-types.generated.ts: the engine's field types, filter operators and
 * widget ids as the runtime UI compiles against them. The UI may not import engine code; this
 * file is how the names cross, so a type added to the registry fails the UI's typecheck until
 * the UI handles it. `npm run schemas` writes it; a test checks it is current.
 */
export const UI_FIELD_TYPES_FILE = fileURLToPath(
  new URL('../../runtime-ui/src/api/field-types.generated.ts', import.meta.url),
);

const union = (name: string, list: string, values: readonly string[]) =>
  `export const ${list} = [${values.map((v) => `'${v}'`).join(', ')}] as const;\n` +
  `export type ${name} = (typeof ${list})[number];\n`;

export async function buildUiFieldTypes(): Promise<string> {
  const widgets = [...new Set(FIELD_TYPES.map((t) => FIELD_TYPE_DEFS[t].widget))];
  const text = [
    "// Written by `npm run schemas` from the engine's field-type registry (engine/src/fields/index.ts).",
    '// Do not edit: engine/src/metadata/schemas.test.ts fails when it differs from the registry.',
    '',
    '/** Every field type. A Record<FieldType, …> fails to compile until it handles each. */',
    union('FieldType', 'FIELD_TYPES', FIELD_TYPES),
    '/** The operators of the list filter language; the engine sends per field those it takes. */',
    union('FilterOperator', 'FILTER_OPERATORS', FILTER_OPERATORS),
    '/** The widget the engine names per field (FieldTypeDef.widget); form/widgets/index.ts draws each. */',
    union('WidgetId', 'WIDGET_IDS', widgets),
    '/** The widget the engine sends for a field of each type. */',
    'export const TYPE_WIDGETS: Record<FieldType, WidgetId> = {',
    ...FIELD_TYPES.map((t) => `  ${t}: '${FIELD_TYPE_DEFS[t].widget}',`),
    '};',
  ].join('\n');
  return format(text, { ...(await resolveConfig(UI_FIELD_TYPES_FILE)), filepath: UI_FIELD_TYPES_FILE });
}
