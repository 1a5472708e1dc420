import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import type { IfMatch } from './draft-tags.js';
import type { PlanEntry, Publisher, PublishResult } from './publish.js';
import type { DraftStore } from './store.js';
import type { MetadataSnapshot, ObjectDef } from './types.js';

/**
 * What publishing would do to an object's table if the draft held a proposed definition of it —
 * asked before saving, so the studio shows a type change's verdict (safe, lossy with the rows,
 * blocked) before anything is written. Two transactions, both rolled back: the save as PUT makes
 * it (same checks, same 4xx, renames followed into layouts and workflows), then the publisher's
 * dry run of the draft that save left. The draft, its ETags and undo history stay as they were.
 */

export type PlanVerdict = 'safe' | 'lossy' | 'blocked';

export interface ObjectPlan {
  /** The object's API name as proposed (a renamed object's new one). */
  object: string;
  /** blocked when a step is, else lossy when a step is, else safe. */
  verdict: PlanVerdict;
  /** The steps of its table, as a dry-run publish lists them. */
  plan: Omit<PlanEntry, 'step'>[];
}

/** Thrown to roll back the save once the draft it leaves is read. */
class Candidate extends Error {
  constructor(
    readonly snapshot: MetadataSnapshot,
    readonly object: ObjectDef,
  ) {
    super('candidate');
  }
}

export async function planObject(
  knex: Knex,
  draft: DraftStore,
  publisher: Publisher,
  input: ObjectDef,
  existingName: string,
  ifMatch: IfMatch | undefined,
): Promise<ObjectPlan> {
  let candidate: Candidate;
  try {
    await knex.transaction(async (trx) => {
      // A transaction is a Knex too: the save's own transaction becomes a savepoint of this one.
      const saved = await draft.saveObject(trx, input, existingName, ifMatch);
      throw new Candidate(await draft.snapshot(trx), saved.item);
    });
    throw new Error('unreachable: the candidate save always rolls back');
  } catch (e) {
    if (!(e instanceof Candidate)) throw e;
    candidate = e;
  }
  const table = candidate.object.apiName;
  const plan = (await dryRun(publisher, candidate.snapshot)).filter((p) => p.table === table);
  const verdict: PlanVerdict = plan.some((p) => p.blocked) ? 'blocked' : plan.some((p) => p.lossy) ? 'lossy' : 'safe';
  return { object: table, verdict, plan };
}

/**
 * The plan of publishing `snapshot`, blocked steps included. A publish refuses those (409, its
 * plan beside) and a type change with no conversion (422 typeChange); here both are the answer.
 */
async function dryRun(publisher: Publisher, snapshot: MetadataSnapshot): Promise<Omit<PlanEntry, 'step'>[]> {
  try {
    const result: PublishResult = await publisher.publishReplaced(
      { dryRun: true },
      () => snapshot,
      async () => {},
    );
    return result.plan.map(({ step: _s, ...entry }) => entry);
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    if (e.kind === 'conflict' && e.extra.confirmable === false && Array.isArray(e.extra.plan))
      return e.extra.plan as Omit<PlanEntry, 'step'>[];
    const refused = e.kind === 'validation' ? e.errors.filter((f) => f.code === 'typeChange') : [];
    if (!refused.length) throw e;
    return refused.map((f) => {
      const [table = '', column = ''] = f.field.split('.');
      return {
        op: 'alterColumnType',
        table,
        column,
        description: `change ${f.field}`,
        lossy: false,
        blocked: f.message,
        sql: [],
      };
    });
  }
}
