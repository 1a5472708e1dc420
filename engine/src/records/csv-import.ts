import { badRequest, type ErrorCode, type FieldError } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { SYSTEM_COLUMNS } from '../metadata/identifiers.js';
import type { Label } from '../metadata/types.js';
import type { CsvKind } from '../fields/field-type.js';
import { factsOf } from '../fields/index.js';
import type { Access } from '../security/access.js';
import { readableField } from '../security/field-guard.js';
import { unneutralise } from './csv.js';

/**
 * The pure half of CSV import: which column feeds which field, and CSV text → API values. No
 * database and no files here; import-jobs.ts reads the file and writes through the bulk path,
 * which then checks the values exactly as it checks JSON ones.
 *
 * Headers: an explicit mapping wins (a header mapped to null is ignored); else a header matches a
 * field's apiName, else its label in any locale, both case-insensitively.
 */

/** A CSV column and the field it fills; null when the mapping says to ignore it. */
export interface ImportColumn {
  index: number;
  header: string;
  field: CompiledField | null;
  /**
   * The column holds a value read beside the field (`<apiName>__<key>`, as exports write it)
   * rather than the field's own: a currency amount's ISO code.
   */
  companion?: string;
}

/** A cell's value: absent (empty cell) or the API value; or why the text is not one. */
export type CellResult = { absent: true } | { value: unknown } | { error: FieldError };

export type HeaderMapping = Record<string, string | null>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const fold = (text: string) => text.trim().toLowerCase();
const labels = (label: Label | undefined): string[] =>
  label === undefined ? [] : typeof label === 'string' ? [label] : Object.values(label);

/** The `mapping` query parameter: JSON `{ "CSV header": "field_api_name" | null }`. */
export function parseMapping(input: unknown): HeaderMapping | undefined {
  if (input === undefined || input === '') return undefined;
  let parsed: unknown;
  try {
    parsed = typeof input === 'string' ? JSON.parse(input) : undefined;
  } catch {
    /* refused below */
  }
  if (!isPlainObject(parsed) || Object.values(parsed).some((v) => v !== null && typeof v !== 'string')) {
    throw badRequest('mapping must be a JSON object of CSV header → field apiName (or null to ignore the column)', [
      { field: 'mapping', code: 'type', message: 'expected {"CSV header": "field_api_name" | null, …}' },
    ]);
  }
  return parsed as HeaderMapping;
}

/**
 * Matches every header to a writable field, or refuses the file with 400 naming each header that
 * matches none, more than one, or a field the system fills. With the importer's `access`, fields
 * they may not read are matched by nothing, as if the object had none (security/field-guard.ts).
 */
export function mapHeaders(
  object: CompiledObject,
  headers: readonly string[],
  mapping: HeaderMapping = {},
  access?: Access,
): ImportColumn[] {
  const errors: FieldError[] = [];
  const byApiName = new Map<string, CompiledField>();
  const companions = new Map<string, { field: CompiledField; key: string }>();
  const byLabel = new Map<string, Set<CompiledField>>();
  for (const field of object.fields.values()) {
    if (access && !readableField(object, field.def.apiName, access)) continue;
    byApiName.set(field.def.apiName, field);
    for (const key of Object.keys(field.type.companions ?? {}))
      companions.set(`${field.def.apiName}__${key}`, { field, key });
    for (const text of labels(field.def.label)) {
      const set = byLabel.get(fold(text)) ?? new Set();
      set.add(field);
      byLabel.set(fold(text), set);
    }
  }
  const foldedMapping = new Map(Object.entries(mapping).map(([k, v]) => [fold(k), v]));
  const columns: ImportColumn[] = [];
  const usedBy = new Map<string, string>();
  headers.forEach((header, index) => {
    const name = `"${header}" (column ${index + 1})`;
    const mapped = Object.prototype.hasOwnProperty.call(mapping, header)
      ? mapping[header]
      : foldedMapping.get(fold(header));
    let field: CompiledField | undefined;
    if (mapped === null) {
      columns.push({ index, header, field: null });
      return;
    }
    const companion = companions.get(mapped ?? fold(header));
    if (companion) {
      const name = `${companion.field.def.apiName}__${companion.key}`;
      const other = usedBy.get(name);
      if (other !== undefined)
        return void errors.push({
          field: header,
          code: 'duplicateHeader',
          message: `${JSON.stringify(header)} and "${other}" both fill ${name}`,
        });
      usedBy.set(name, header);
      columns.push({ index, header, field: companion.field, companion: companion.key });
      return;
    }
    if (mapped !== undefined) {
      field = byApiName.get(mapped);
      if (!field)
        return void errors.push({
          field: header,
          code: 'unknownField',
          message: `the mapping sends ${name} to "${mapped}", which is not a field of ${object.def.apiName}`,
        });
    } else {
      field = byApiName.get(fold(header));
      if (!field) {
        const matches = byLabel.get(fold(header));
        if (matches && matches.size > 1) {
          return void errors.push({
            field: header,
            code: 'ambiguousHeader',
            message: `${name} is the label of ${[...matches].map((f) => f.def.apiName).join(' and ')}; map it to one of them`,
          });
        }
        field = matches ? [...matches][0] : undefined;
      }
      if (!field) {
        const system = (SYSTEM_COLUMNS as readonly string[]).includes(fold(header));
        return void errors.push(
          system
            ? { field: header, code: 'readOnly', message: `${name} is set by the system; map it to null to ignore it` }
            : {
                field: header,
                code: 'unknownHeader',
                message: `${name} is neither the apiName nor a label of a field of ${object.def.apiName}; map it to a field, or to null to ignore it`,
              },
        );
      }
    }
    if (field.type.readOnly)
      return void errors.push({
        field: header,
        code: 'readOnly',
        message: `${name} is ${field.def.apiName}, which the system fills in; map it to null to ignore it`,
      });
    const other = usedBy.get(field.def.apiName);
    if (other !== undefined)
      return void errors.push({
        field: header,
        code: 'duplicateHeader',
        message: `${name} and "${other}" both fill ${field.def.apiName}`,
      });
    usedBy.set(field.def.apiName, header);
    columns.push({ index, header, field });
  });
  if (errors.length) {
    const unknown = errors.filter((e) => e.code === 'unknownHeader').map((e) => `"${e.field}"`);
    throw badRequest(
      unknown.length
        ? `unknown CSV header${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; nothing was imported`
        : 'the CSV headers do not match the fields; nothing was imported',
      errors,
    );
  }
  return columns;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?$/;
const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/**
 * A picklist's exact values, then its values and labels folded, each to the value (built once per field definition).
 */
const choices = new WeakMap<object, { exact: Set<string>; folded: Map<string, string> }>();

/** A picklist choice from its value, or (case-insensitively) the value or a label in any locale. */
function choice(field: CompiledField, text: string): string {
  let known = choices.get(field.def);
  if (!known) {
    const values = field.def.values ?? [];
    const folded = new Map<string, string>();
    // The first value a folded text names wins, as a search through the list in order would find.
    for (const v of values)
      for (const t of [v.value, ...labels(v.label)]) if (!folded.has(fold(t))) folded.set(fold(t), v.value);
    known = { exact: new Set(values.map((v) => v.value)), folded };
    choices.set(field.def, known);
  }
  if (known.exact.has(text)) return text;
  return known.folded.get(fold(text)) ?? text;
}

const ABSENT: CellResult = Object.freeze({ absent: true });
// A function declaration, not a closure per call: it runs for every cell of a large file.
function fail(name: string, code: ErrorCode, message: string): CellResult {
  return { error: { field: name, code, message: `${name} ${message}` } };
}

/**
 * Reads the text of a non-empty cell as one kind of value (fields/ says which kind each type's
 * values are). `text` is the cell as written (apostrophe off), `trimmed` without surrounding spaces.
 */
type CellReader = (field: CompiledField, text: string, trimmed: string) => CellResult;

const READERS: Record<CsvKind, CellReader> = {
  // Spaces are part of free text; around an email, a phone number or an id they are noise.
  text: (_field, text) => ({ value: text }),
  token: (_field, _text, trimmed) => ({ value: trimmed }),
  choice: (field, _text, trimmed) => ({ value: choice(field, trimmed) }),
  choices: (field, text) => ({
    value: [
      ...new Set(
        text
          .split(';')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => choice(field, s)),
      ),
    ],
  }),
  integer: (field, _text, trimmed) =>
    INTEGER.test(trimmed)
      ? { value: Number(trimmed) }
      : fail(field.def.apiName, 'type', `must be a whole number, not "${trimmed}"`),
  decimal: (field, _text, trimmed) =>
    DECIMAL.test(trimmed)
      ? { value: Number(trimmed) }
      : fail(
          field.def.apiName,
          'type',
          `must be a number written with a "." for decimals and no thousands separators, not "${trimmed}"`,
        ),
  boolean: (field, _text, trimmed) => {
    const word = trimmed.toLowerCase();
    return TRUE.has(word)
      ? { value: true }
      : FALSE.has(word)
        ? { value: false }
        : fail(field.def.apiName, 'type', `must be true/false, yes/no or 1/0, not "${trimmed}"`);
  },
  date: (field, _text, trimmed) =>
    DATE.test(trimmed)
      ? { value: trimmed }
      : fail(field.def.apiName, 'format', `must be a date written YYYY-MM-DD, not "${trimmed}"`),
  datetime: (field, _text, trimmed) => {
    const m = DATETIME.exec(trimmed);
    if (!m)
      return fail(
        field.def.apiName,
        'format',
        `must be an ISO 8601 date-time such as 2026-03-01T09:30:00Z, not "${trimmed}"`,
      );
    // Without a zone the time is taken as UTC; the API stores instants.
    const seconds = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
    const zone = m[3] === undefined ? 'Z' : /^[+-]\d{4}$/.test(m[3]) ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
    return { value: `${m[1]}T${seconds}${zone}` };
  },
  json: (field, text) => {
    try {
      return { value: JSON.parse(text) };
    } catch {
      return fail(field.def.apiName, 'json', 'must be JSON text, for example {"city": "Lyon"}');
    }
  },
};

/**
 * One CSV cell → the value the API would take for the field. An empty cell is absent (a create
 * gets the field's default, an upsert leaves the value as it is). Text that `neutralise` marked
 * has its apostrophe taken off. Only the shape of the text is checked here: ranges, lengths,
 * picklist values and the like are the field validator's, as for every other write.
 */
export function coerceCell(field: CompiledField, raw: string): CellResult {
  const text = unneutralise(raw);
  const trimmed = text.trim();
  if (trimmed === '') return ABSENT;
  return READERS[factsOf(field.def).csv](field, text, trimmed);
}

/**
 * One CSV record → a record body for the bulk path, with the errors of the cells that could not
 * be read. A record with fewer or more cells than the header is refused whole.
 */
export function coerceRow(
  columns: readonly ImportColumn[],
  headerCount: number,
  cells: readonly string[],
): { body: Record<string, unknown>; errors: FieldError[] } {
  const body: Record<string, unknown> = {};
  if (cells.length !== headerCount) {
    return {
      body,
      errors: [
        { field: '', code: 'columns', message: `the row has ${cells.length} cells; the header has ${headerCount}` },
      ],
    };
  }
  const errors: FieldError[] = [];
  const companions: [CompiledField, string, string][] = [];
  for (const { index, field, companion } of columns) {
    if (!field) continue;
    if (companion) {
      companions.push([field, companion, cells[index]!]);
      continue;
    }
    const result = coerceCell(field, cells[index]!);
    if ('error' in result) errors.push(result.error);
    else if ('value' in result) body[field.def.apiName] = result.value;
  }
  for (const [field, key, raw] of companions) {
    const name = `${field.def.apiName}__${key}`;
    const code = raw.trim().toUpperCase();
    // Without an amount there is nothing to write the code with; an empty code is the corporate currency.
    if (code === '' || body[field.def.apiName] === undefined) continue;
    if (!ISO_CODE.test(code))
      errors.push({
        field: name,
        code: 'pattern',
        message: `${name} must be an ISO 4217 code such as EUR, not "${raw.trim()}"`,
      });
    else body[field.def.apiName] = { amount: body[field.def.apiName], [key]: code };
  }
  return { body, errors };
}

const ISO_CODE = /^[A-Z]{3}$/;
