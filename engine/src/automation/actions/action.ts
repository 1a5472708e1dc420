import type { CompiledMetadata } from '../../metadata/compile.js';
import type { WorkflowAction } from '../../metadata/types.js';
import type { RecordsService } from '../../records/records.service.js';
import type { Caller } from '../../security/caller.js';

/** What an action works with: the run's record as the event saw it, and the records service of its transaction. */
export interface ActionContext {
  object: string;
  recordId: string;
  /** The data expressions see: the record's fields and `$old`. */
  data: Record<string, unknown>;
  records: RecordsService;
  caller: Caller;
  compiled: CompiledMetadata;
}

/** One kind of action: what it does, given its settings; the answer is kept in the run's history. */
export interface ActionDef<A extends WorkflowAction = WorkflowAction> {
  run(action: A, ctx: ActionContext): Promise<unknown>;
}

export type ActionTable = { [K in WorkflowAction['type']]: ActionDef<Extract<WorkflowAction, { type: K }>> };
