import type { Knex } from 'knex';
import type { CompiledMetadata } from '../../metadata/compile.js';
import type { WorkflowAction } from '../../metadata/types.js';
import type { RecordsService } from '../../records/records.service.js';
import type { Caller } from '../../security/caller.js';
import type { EmailTransport } from '../email/transport.js';

/** The run an action belongs to, as the event that started it saw the record. */
export interface RunFacts {
  id: string;
  /** The action's place in the workflow, from 0. */
  step: number;
  /** 1 on the first try of this action, then 2, 3 … */
  attempt: number;
  workflow: string;
  object: string;
  recordId: string;
  event: string;
  changed: string[];
  depth: number;
  createdAt: string;
  record: Record<string, unknown>;
  old?: Record<string, unknown>;
}

/** What the engine lends actions that reach outside the database. */
export interface ActionServices {
  email: EmailTransport;
  /** The e-mail of an active user (a record owner). */
  emailOf(userId: string): Promise<string | undefined>;
  webhookTimeoutMs: number;
  /** Whether a webhook endpoint was disabled (it answered 410 Gone), and disabling one. */
  endpointDisabled(url: string): Promise<string | undefined>;
  disableEndpoint(url: string, reason: string): Promise<void>;
  /** Submits a record for approval (approvals.ts), as the caller. */
  submitApproval(
    caller: Caller,
    object: string,
    id: string,
    body: { process?: string; comment?: string },
    /** The chain depth of the submission: the run's + 1. */
    depth: number,
  ): Promise<{ id: string; process: string; status: string }>;
}

/** What an action works with. `records` works inside the action's transaction (none for external actions). */
export interface ActionContext {
  run: RunFacts;
  /** The data expressions see: the record's fields and `$old`. */
  data: Record<string, unknown>;
  records: RecordsService;
  /** The database as `records` works with it (the action's transaction), and the tenant's schema. */
  db: Knex | Knex.Transaction;
  schema: string;
  caller: Caller;
  compiled: CompiledMetadata;
  services: ActionServices;
}

/**
 * One kind of action. An internal action runs in a transaction with its step's row, so it takes
 * effect once; an external one (a webhook, an e-mail) cannot be rolled back, runs outside any
 * transaction (so no database connection waits on the network), and is made safe to repeat by the
 * stable id the receiver sees (webhook-id, Message-ID).
 */
export interface ActionDef<A extends WorkflowAction = WorkflowAction> {
  external?: boolean;
  /** What the action did, kept in the run's history. */
  run(action: A, ctx: ActionContext): Promise<unknown>;
}

export type ActionTable = { [K in WorkflowAction['type']]: ActionDef<Extract<WorkflowAction, { type: K }>> };

/** A failure that will not change on a retry: the run fails now. */
export class ActionFailed extends Error {
  constructor(
    message: string,
    readonly output?: unknown,
  ) {
    super(message);
  }
}

/** A failure worth another try after `delayMs` (the receiver's Retry-After, or backoff). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
    readonly output?: unknown,
  ) {
    super(message);
  }
}

/** Not a failure: the run waits `delayMs`, this action counting as done (the wait action). */
export class Pause extends Error {
  constructor(
    readonly delayMs: number,
    readonly output: unknown,
  ) {
    super('waiting');
  }
}
