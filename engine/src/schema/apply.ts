import type { Knex } from 'knex';
import * as ddl from './ddl.js';
import type { Statement } from './ddl.js';
import type { Step } from './plan.js';

/**
 * Stage 3 of the planner: run the steps inside the caller's transaction. Steps whose safety
 * depends on the data are measured right before they run (so renames earlier in the plan are
 * already in place): the rows they would lose, or the rows that block them (duplicates for a
 * unique constraint, dangling references for a foreign key). The caller decides from the result
 * whether to commit or roll back; nothing here commits.
 */

export interface StepResult {
  step: Step;
  /** The step would lose or change data in `rows` rows; with confirmLossy those are archived. */
  lossy: boolean;
  rows?: number;
  /** The step cannot run until the data changes (duplicates, dangling references). */
  blocked?: string;
  sql: string[];
}

async function count(trx: Knex.Transaction, sql: string, bindings: readonly Knex.RawBinding[]): Promise<number> {
  const { rows } = await trx.raw<{ rows: [{ n: number }] }>('select count(*)::int as n from (?) x', [
    trx.raw(sql, bindings),
  ]);
  return rows[0].n;
}

const q = (schema: string, name: string) => `${schema}.${name}`;

/** A step the database refused; the transaction it ran in is rolled back by the caller. */
export class StepFailed extends Error {
  constructor(
    readonly step: Step,
    readonly sqlState: string | undefined,
  ) {
    super(`schema step ${step.op} failed (${sqlState ?? 'unknown'})`);
  }
}

export async function runSteps(
  trx: Knex.Transaction,
  schema: string,
  steps: Step[],
  confirmLossy: boolean,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    try {
      results.push(await runStep(trx, schema, step, confirmLossy));
    } catch (e) {
      throw new StepFailed(step, (e as { code?: string }).code);
    }
  }
  return results;
}

async function runStep(trx: Knex.Transaction, schema: string, step: Step, confirmLossy: boolean): Promise<StepResult> {
  {
    const result: StepResult = { step, lossy: false, sql: [] };
    const run = async (statements: Statement[]) => {
      for (const s of statements) {
        const raw = trx.raw(s.sql, s.bindings);
        result.sql.push(raw.toQuery());
        await raw;
      }
    };
    switch (step.op) {
      case 'dropConstraint':
        await run([ddl.dropConstraint(schema, step.table, step.name)]);
        break;
      case 'archiveColumn': {
        result.rows = await count(trx, 'select 1 from ?? where ?? is not null', [q(schema, step.table), step.column]);
        result.lossy = result.rows > 0;
        await run([
          ddl.renameColumn(schema, step.table, step.column, step.archivedName),
          ddl.commentColumn(
            schema,
            step.table,
            step.archivedName,
            ddl.columnTag({ fieldId: step.fieldId, part: step.part }, true, step.column),
          ),
        ]);
        break;
      }
      case 'archiveTable': {
        result.rows = await count(trx, 'select 1 from ??', [q(schema, step.table)]);
        result.lossy = result.rows > 0;
        await run([
          ddl.renameTable(schema, step.table, step.archivedName),
          ddl.commentTable(schema, step.archivedName, ddl.tableTag(step.objectId, true)),
        ]);
        break;
      }
      case 'createSequence':
        await run([ddl.createSequence(schema, step.name, step.startAt)]);
        break;
      case 'createTable':
        await run(ddl.createTable(schema, step.table, step.objectId, step.columns));
        break;
      case 'restoreTable':
        await run([
          ddl.renameTable(schema, step.from, step.table),
          ddl.commentTable(schema, step.table, ddl.tableTag(step.objectId)),
        ]);
        break;
      case 'renameTable':
        await run([ddl.renameTable(schema, step.from, step.table)]);
        break;
      case 'addColumn':
        await run(ddl.addColumn(schema, step.table, step.column));
        if (step.column.autonumber) {
          await run([
            ddl.autonumberDefault(schema, step.table, step.column),
            ddl.backfillAutonumber(schema, step.table, step.column),
          ]);
        }
        break;
      case 'restoreColumn':
        await run([
          ddl.renameColumn(schema, step.table, step.from, step.column.name),
          ddl.commentColumn(schema, step.table, step.column.name, ddl.columnTag(ddl.tagOf(step.column))),
        ]);
        break;
      case 'renameColumn':
        await run([ddl.renameColumn(schema, step.table, step.from, step.column)]);
        break;
      case 'alterColumnType':
        await alterColumnType(trx, schema, step, result, confirmLossy, run);
        break;
      case 'changeEncryption': {
        const held = await count(trx, 'select 1 from ?? where ?? is not null', [
          q(schema, step.table),
          step.column.name,
        ]);
        if (held > 0) {
          result.rows = held;
          result.blocked = `${held} row(s) of ${step.table} hold ${step.column.name} values, which cannot be ${step.column.encrypted ? 'encrypted' : 'decrypted'} in place: add a new field and move them, or empty the field first`;
          break;
        }
        await run([
          ...(step.from === step.column.sqlType
            ? []
            : [ddl.alterType(schema, step.table, step.column.name, step.column.sqlType, 'direct')]),
          ddl.commentColumn(schema, step.table, step.column.name, ddl.columnTag(ddl.tagOf(step.column))),
        ]);
        break;
      }
      case 'setAutonumberDefault':
        await run([
          ddl.autonumberDefault(schema, step.table, step.column),
          ddl.commentColumn(
            schema,
            step.table,
            step.column.name,
            ddl.columnTag({
              fieldId: step.column.fieldId,
              part: step.column.part,
              autonumberHash: step.column.autonumber!.hash,
            }),
          ),
        ]);
        break;
      case 'replaceFormula':
        await run([
          ddl.dropColumn(schema, step.table, step.column.name),
          ...ddl.addColumn(schema, step.table, step.column),
        ]);
        break;
      case 'dropFormula':
        await run([ddl.dropExpression(schema, step.table, step.column)]);
        break;
      case 'addConstraint': {
        const c = step.constraint;
        if (c.kind === 'unique') {
          const dupes = await count(
            trx,
            'select ?? from ?? where ?? is not null and deleted_at is null group by ?? having count(*) > 1',
            [c.column, q(schema, step.table), c.column, c.column],
          );
          if (dupes > 0) {
            result.blocked = `${dupes} value(s) of ${step.table}.${c.column} occur more than once`;
            result.rows = dupes;
            break;
          }
        }
        if (c.kind === 'fk') {
          const dangling = await count(
            trx,
            'select 1 from ?? t where ?? is not null and not exists (select 1 from ?? r where r.id = t.??)',
            [q(schema, step.table), c.column, q(schema, c.references!.table), c.column],
          );
          if (dangling > 0) {
            result.blocked = `${dangling} row(s) of ${step.table} point at ${c.references!.table} records that do not exist`;
            result.rows = dangling;
            break;
          }
        }
        await run([ddl.addConstraint(schema, step.table, c)]);
        break;
      }
    }
    return result;
  }
}

async function alterColumnType(
  trx: Knex.Transaction,
  schema: string,
  step: Extract<Step, { op: 'alterColumnType' }>,
  result: StepResult,
  confirmLossy: boolean,
  run: (s: Statement[]) => Promise<void>,
) {
  const via = step.change === 'convert' ? 'text' : 'direct';
  if (step.change !== 'widen') {
    const test =
      step.change === 'narrow'
        ? `not ??._tessera_roundtrips(??::text, ${ddl.literal(step.to)}, ${ddl.literal(step.from)})`
        : `not ??._tessera_castable(??::text, ${ddl.literal(step.to)})`;
    result.rows = await count(trx, `select 1 from ?? where ?? is not null and ${test}`, [
      q(schema, step.table),
      step.column,
      schema,
      step.column,
    ]);
    result.lossy = result.rows > 0;
  }
  if (!result.lossy) {
    await run([ddl.alterType(schema, step.table, step.column, step.to, via)]);
    return;
  }
  if (!confirmLossy) return; // the publish will be refused; no point rewriting the table
  // Keep every old value: the old column is archived, the new one gets what converts.
  const archived = `_arc_${Date.now().toString(36)}_${step.column.slice(0, 40)}`.slice(0, 63);
  await run(
    [
      ddl.renameColumn(schema, step.table, step.column, archived),
      ddl.commentColumn(
        schema,
        step.table,
        archived,
        ddl.columnTag({ fieldId: step.fieldId, part: step.part }, true, step.column),
      ),
      ddl.addColumn(schema, step.table, {
        name: step.column,
        sqlType: step.to,
        fieldId: step.fieldId,
        part: step.part,
      }),
      ddl.copyConverted(schema, step.table, archived, step.column, step.to, via),
    ].flat(),
  );
}
