import type { CompiledObject } from '../metadata/compile.js';
import { toRecord } from '../records/record-shape.js';
import type { RecordChange } from '../rules/workflow-match.js';

/**
 * A record change as workflows see it: the outbox row the capture trigger wrote (columns, as
 * to_jsonb gave them) turned into API records, with the fields whose value changed.
 */

export type ChangeEvent = RecordChange['event'];

export interface OutboxRow {
  seq: string;
  object_id: string;
  record_id: string;
  event: ChangeEvent;
  old_row: Record<string, unknown> | null;
  new_row: Record<string, unknown>;
  user_id: string | null;
  depth: number;
}

export interface RecordEvent extends RecordChange {
  recordId: string;
  userId: string | null;
  depth: number;
}

export function toEvent(object: CompiledObject, row: OutboxRow): RecordEvent {
  const record = toRecord(object, row.new_row);
  const old = row.old_row ? toRecord(object, row.old_row) : undefined;
  const changed: string[] = [];
  if (old) {
    for (const name of [...object.fields.keys(), 'owner_id']) {
      if (JSON.stringify(old[name] ?? null) !== JSON.stringify(record[name] ?? null)) changed.push(name);
    }
  }
  return {
    event: row.event,
    recordId: row.record_id,
    record,
    ...(old ? { old } : {}),
    changed,
    userId: row.user_id,
    depth: row.depth,
  };
}
