import { shortHash } from '../lib/ids.js';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog.js';
import type { DesiredColumn, DesiredConstraint, DesiredTable } from './desired.js';
import { classifyTypeChange, type TypeChange } from './type-change.js';

/**
 * Stage 2 of the planner: desired schema vs live catalog → ordered steps. Pure: the same inputs
 * always give the same plan, so it can be shown (dry run), reviewed and tested without a database.
 * Nothing is ever dropped: deleted tables and columns are archived (renamed and tagged) and come
 * back by id when the metadata asks for them again.
 */

export type Step =
  | { op: 'dropConstraint'; table: string; name: string }
  | {
      op: 'archiveColumn';
      table: string;
      column: string;
      archivedName: string;
      fieldId: string;
      part: string;
      objectId: string;
    }
  | { op: 'archiveTable'; table: string; archivedName: string; objectId: string }
  | { op: 'createSequence'; name: string; startAt: number }
  | { op: 'createTable'; table: string; objectId: string; columns: DesiredColumn[] }
  | { op: 'restoreTable'; from: string; table: string; objectId: string }
  | { op: 'renameTable'; from: string; table: string }
  | { op: 'addColumn'; table: string; column: DesiredColumn; backfillAutonumber: boolean }
  | { op: 'restoreColumn'; table: string; from: string; column: DesiredColumn }
  | { op: 'renameColumn'; table: string; from: string; column: string }
  | {
      op: 'alterColumnType';
      table: string;
      column: string;
      from: string;
      to: string;
      change: TypeChange;
      fieldId: string;
      part: string;
    }
  | { op: 'setAutonumberDefault'; table: string; column: DesiredColumn }
  | { op: 'changeEncryption'; table: string; column: DesiredColumn; from: string }
  | { op: 'replaceFormula'; table: string; column: DesiredColumn; wasGenerated: boolean }
  | { op: 'dropFormula'; table: string; column: string }
  | { op: 'addConstraint'; table: string; constraint: DesiredConstraint };

export type StepOp = Step['op'];

/** Steps whose safety depends on the data: the planner's assess stage counts the affected rows. */
export const DATA_DEPENDENT: ReadonlySet<StepOp> = new Set([
  'archiveColumn',
  'archiveTable',
  'alterColumnType',
  'changeEncryption',
  'addConstraint',
]);

const ORDER: StepOp[] = [
  'dropConstraint',
  'archiveColumn',
  'archiveTable',
  'createSequence',
  'restoreTable',
  'renameTable',
  'createTable',
  'restoreColumn',
  'renameColumn',
  'dropFormula',
  'addColumn',
  'alterColumnType',
  'changeEncryption',
  'setAutonumberDefault',
  'replaceFormula',
  'addConstraint',
];

export class RefusedTypeChange extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${table}.${column} cannot change from ${from} to ${to}`);
  }
}

function archiveName(kind: 'table' | 'column', id: string, stamp: number): string {
  return `_arc_${stamp.toString(36)}_${shortHash(`${kind}:${id}`, 8)}`;
}

const liveColumn = (table: CatalogTable, c: DesiredColumn): CatalogColumn | undefined =>
  table.columns.find((x) => !x.archived && x.fieldId === c.fieldId && x.part === c.part);
const archivedColumn = (
  tables: CatalogTable[],
  c: DesiredColumn,
): { table: CatalogTable; column: CatalogColumn } | undefined => {
  for (const table of tables) {
    const column = table.columns.findLast((x) => x.archived && x.fieldId === c.fieldId && x.part === c.part);
    if (column) return { table, column };
  }
  return undefined;
};

export function planSchema(desired: DesiredTable[], catalog: Catalog, stamp: number = Date.now()): Step[] {
  const steps: Step[] = [];
  const live = catalog.tables.filter((t) => !t.archived);
  const desiredIds = new Set(desired.map((t) => t.objectId));

  for (const table of live) {
    if (!desiredIds.has(table.objectId)) {
      for (const name of table.constraints.keys()) steps.push({ op: 'dropConstraint', table: table.name, name });
      steps.push({
        op: 'archiveTable',
        table: table.name,
        archivedName: archiveName('table', table.objectId, stamp),
        objectId: table.objectId,
      });
    }
  }

  for (const want of desired) {
    const sequences = want.columns.flatMap((c) =>
      c.autonumber && !catalog.sequences.has(c.autonumber.sequence) ? [c.autonumber] : [],
    );
    for (const s of sequences) steps.push({ op: 'createSequence', name: s.sequence, startAt: s.startAt });

    let table = live.find((t) => t.objectId === want.objectId);
    if (!table) {
      table = catalog.tables.findLast((t) => t.archived && t.objectId === want.objectId);
      if (table) {
        steps.push({ op: 'restoreTable', from: table.name, table: want.name, objectId: want.objectId });
      } else {
        steps.push({ op: 'createTable', table: want.name, objectId: want.objectId, columns: want.columns });
        for (const constraint of want.constraints) steps.push({ op: 'addConstraint', table: want.name, constraint });
        continue;
      }
    } else if (table.name !== want.name) {
      steps.push({ op: 'renameTable', from: table.name, table: want.name });
    }

    // Columns a lossy change may replace: apply.ts archives the old column when values would
    // change, and its indexes go with it (see rebuilt() below).
    const replaceable = new Set<string>();
    const wantedFieldIds = new Set(want.columns.map((c) => `${c.fieldId}/${c.part}`));
    for (const column of table.columns) {
      if (column.fieldId && !column.archived && !wantedFieldIds.has(`${column.fieldId}/${column.part}`)) {
        steps.push({
          op: 'archiveColumn',
          table: table.name,
          column: column.name,
          fieldId: column.fieldId,
          part: column.part,
          objectId: want.objectId,
          archivedName: archiveName('column', `${column.fieldId}/${column.part}`, stamp),
        });
      }
    }
    for (const column of want.columns) {
      let current = liveColumn(table, column);
      if (!current) {
        const archived = archivedColumn([table], column);
        if (archived) {
          steps.push({ op: 'restoreColumn', table: want.name, from: archived.column.name, column });
          current = { ...archived.column, name: column.name };
        } else {
          steps.push({ op: 'addColumn', table: want.name, column, backfillAutonumber: !!column.autonumber });
          continue;
        }
      } else if (current.name !== column.name) {
        steps.push({ op: 'renameColumn', table: want.name, from: current.name, column: column.name });
      }
      if (column.generated || current.generatedHash) {
        // A formula's values are derived: a new expression just replaces the column. A regular
        // column turning into a formula keeps its data archived; a formula turning into a
        // regular field keeps its last values.
        if (column.generated && current.generatedHash !== column.generated.hash) {
          if (!current.generatedHash) {
            steps.push({
              op: 'archiveColumn',
              table: table.name,
              column: current.name,
              fieldId: column.fieldId,
              part: column.part,
              objectId: want.objectId,
              archivedName: archiveName('column', `${column.fieldId}/${column.part}/f`, stamp),
            });
            steps.push({ op: 'addColumn', table: want.name, column, backfillAutonumber: false });
          } else {
            steps.push({ op: 'replaceFormula', table: want.name, column, wasGenerated: true });
          }
          continue;
        }
        if (!column.generated) steps.push({ op: 'dropFormula', table: want.name, column: column.name });
        else continue;
      }
      // Values in clear cannot become ciphertext in SQL, nor ciphertext clear: the database has no
      // key. Allowed while the column is empty (apply.ts blocks it otherwise).
      if (!!column.encrypted !== !!current.encrypted) {
        replaceable.add(column.name);
        steps.push({ op: 'changeEncryption', table: want.name, column, from: current.sqlType });
        continue;
      }
      const change = classifyTypeChange(current.sqlType, column.sqlType);
      if (change === 'refuse') throw new RefusedTypeChange(want.name, column.name, current.sqlType, column.sqlType);
      if (change !== 'same') {
        if (change !== 'widen') replaceable.add(column.name);
        steps.push({
          op: 'alterColumnType',
          table: want.name,
          column: column.name,
          from: current.sqlType,
          to: column.sqlType,
          change,
          fieldId: column.fieldId,
          part: column.part,
        });
      }
      if (column.autonumber && current.autonumberHash !== column.autonumber.hash) {
        steps.push({ op: 'setAutonumberDefault', table: want.name, column });
      }
    }

    // Constraint names say what they enforce, not which physical column holds them. So one that
    // exists is rebuilt when its column may be replaced in this plan (an index cannot move to the
    // new column; a narrow that turns out safe rewrites the table and its indexes anyway), or when
    // it already sits on an archived column (left there by a lossy change before this rule).
    const archivedNames = new Set(table.columns.filter((c) => c.archived).map((c) => c.name));
    const rebuilt = (c: DesiredConstraint) =>
      (c.keys?.map((k) => k.column) ?? [c.column]).some((column) => replaceable.has(column)) ||
      archivedNames.has(table.constraints.get(c.name) ?? '');
    const wantedConstraints = new Set(want.constraints.map((c) => c.name));
    for (const name of table.constraints.keys()) {
      if (!wantedConstraints.has(name)) steps.push({ op: 'dropConstraint', table: table.name, name });
    }
    for (const constraint of want.constraints) {
      const exists = table.constraints.has(constraint.name);
      if (exists && rebuilt(constraint)) steps.push({ op: 'dropConstraint', table: table.name, name: constraint.name });
      if (!exists || rebuilt(constraint)) steps.push({ op: 'addConstraint', table: want.name, constraint });
    }
  }
  // A constraint is dropped through the table's name at the time it is dropped (before renames).
  return steps
    .map((step, i) => ({ step, i }))
    .sort((a, b) => ORDER.indexOf(a.step.op) - ORDER.indexOf(b.step.op) || a.i - b.i)
    .map(({ step }) => step);
}
