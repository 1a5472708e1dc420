import { columnName, equalityColumn, fieldType, onDeleteOf } from '../fields/index.js';
import { shortHash } from '../lib/ids.js';
import type { FieldDef, MetadataSnapshot, ObjectDef } from '../metadata/types.js';
import { compileFormula } from '../rules/formula-sql.js';
import { ownerIndexes } from './list-indexes.js';

/**
 * Stage 1 of the planner: metadata → the physical schema it asks for. Pure: no database.
 * Physical objects carry the metadata ids they come from (in comments, see catalog.ts), which is
 * how a renamed field is recognised as the same column.
 */

export interface DesiredColumn {
  name: string;
  sqlType: string;
  fieldId: string;
  part: string;
  /** For formula columns: the SQL expression of the generated column, and its hash. */
  generated?: { sql: string; hash: string };
  /** For autonumber columns: the sequence and format that make up the column default. */
  autonumber?: { sequence: string; prefix: string; digits: number; suffix: string; startAt: number; hash: string };
  /** The column holds ciphertext (fields/encrypted.ts): the planner never converts its values. */
  encrypted?: true;
}

/** One key column of an index; descending only where the order it serves mixes directions. */
export interface IndexKey {
  column: string;
  desc?: boolean;
}

export interface DesiredConstraint {
  name: string;
  kind: 'unique' | 'index' | 'search' | 'fk';
  /** The column it is on; for an index over several columns, the first of `keys`. */
  column: string;
  /** kind 'index' over several columns: its keys in order (list-indexes.ts). */
  keys?: IndexKey[];
  references?: { table: string; onDelete: 'RESTRICT' | 'SET NULL' | 'CASCADE' };
  /** kind 'unique': the field whose values it keeps apart (its column may be a blind index). */
  field?: string;
}

export interface DesiredTable {
  objectId: string;
  name: string;
  columns: DesiredColumn[];
  constraints: DesiredConstraint[];
}

const ON_DELETE = { restrict: 'RESTRICT', setNull: 'SET NULL', cascade: 'CASCADE' } as const;

function fieldColumns(field: FieldDef, fields: ReadonlyMap<string, FieldDef>): DesiredColumn[] {
  const type = fieldType(field);
  return type.columns(field).map((c) => {
    const column: DesiredColumn = { name: columnName(field, c), sqlType: c.sqlType, fieldId: field.id, part: c.part };
    if (type.encryption && c.part === '') column.encrypted = true;
    const generated = type.generatedFrom?.(field);
    if (generated) {
      const { sql, errors } = compileFormula(generated.expression, fields, generated.returnType);
      // validate.ts refuses such formulas when they are saved; reaching here is a bug
      if (!sql) throw new Error(`formula ${field.apiName} does not compile: ${errors[0]?.message}`);
      column.generated = { sql, hash: shortHash(sql, 12) };
    }
    const format = type.sequence?.(field);
    if (format) {
      column.autonumber = {
        sequence: `tsr_seq_${shortHash(field.id, 16)}`,
        ...format,
        hash: shortHash(JSON.stringify(format), 8),
      };
    }
    return column;
  });
}

function fieldConstraints(field: FieldDef, objects: Map<string, ObjectDef>): DesiredConstraint[] {
  const out: DesiredConstraint[] = [];
  const name = (kind: string, spec: string) => `tsr_${shortHash(`${kind}:${field.id}:${spec}`, 16)}_${kind}`;
  // An encrypted field is unique by its blind index: a constraint of its own, made again when
  // the field is encrypted or no longer is.
  if (field.unique) {
    const column = equalityColumn(field).name;
    out.push({
      name: name('uq', column === field.apiName ? '' : 'blind'),
      kind: 'unique',
      column,
      field: field.apiName,
    });
  }
  const relationOnDelete = onDeleteOf(field);
  if (relationOnDelete) {
    const target = objects.get(field.target!)!;
    const onDelete = ON_DELETE[relationOnDelete];
    out.push({
      name: name('fk', `${target.id}:${onDelete}`),
      kind: 'fk',
      column: field.apiName,
      references: { table: target.apiName, onDelete },
    });
    // Related lists and delete checks look children up by this column.
    if (!field.unique) out.push({ name: name('ix', ''), kind: 'index', column: field.apiName });
  }
  // Global search matches substrings; a trigram index keeps that fast on big tables.
  if (field.searchable && fieldType(field).textSearch)
    out.push({ name: name('tg', ''), kind: 'search', column: field.apiName });
  return out;
}

export function desiredSchema(snapshot: MetadataSnapshot): DesiredTable[] {
  const objects = new Map(snapshot.objects.map((o) => [o.apiName, o]));
  return snapshot.objects.map((obj) => {
    const columns = obj.fields.flatMap((f) => fieldColumns(f, new Map(obj.fields.map((x) => [x.apiName, x]))));
    return {
      objectId: obj.id,
      name: obj.apiName,
      columns,
      constraints: [
        ...ownerIndexes(obj, columns, snapshot.listViews ?? []),
        ...obj.fields.flatMap((f) => fieldConstraints(f, objects)),
      ],
    };
  });
}
