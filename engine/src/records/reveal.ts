import type { CompiledField, CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { remembered } from '../lib/remembered.js';

/**
 * Records leave Postgres as JSON text (query/record-json.ts) holding an encrypted field's
 * ciphertext, since the database never has the key. On the way out, the records of an object
 * with encrypted fields — its own, or those of a lookup a list expands — are parsed, those
 * fields decrypted (fields/encrypted.ts), and written again. Objects without any pay a lookup in
 * a map. The same walk says which audited fields (`auditReads`) a reader was shown, for the read
 * audit (read-audit.ts).
 */

type Row = Record<string, unknown>;

export interface Sensitivity {
  encrypted: CompiledField[];
  audited: CompiledField[];
  /** Lookups whose target has sensitive fields: an expanded one is walked too. */
  lookups: [name: string, target: CompiledObject][];
}

const ofObject = new WeakMap<CompiledObject, Map<string, Sensitivity | null>>();

/** What of the object is sensitive; undefined when nothing is (the common case). */
export function sensitivityOf(object: CompiledObject, compiled: CompiledMetadata): Sensitivity | undefined {
  return (
    remembered(ofObject, object, String(compiled.release), () => {
      const own = (o: CompiledObject) => [...o.fields.values()];
      const encrypted = own(object).filter((f) => f.type.encryption);
      const audited = own(object).filter((f) => f.def.auditReads);
      const lookups = own(object).flatMap((f): [string, CompiledObject][] => {
        const target = f.def.target ? compiled.objects.get(f.def.target) : undefined;
        return target && own(target).some((t) => t.type.encryption || t.def.auditReads)
          ? [[f.def.apiName, target]]
          : [];
      });
      return encrypted.length || audited.length || lookups.length ? { encrypted, audited, lookups } : null;
    }) ?? undefined
  );
}

/** What reading one record showed of its audited fields: the record and those fields with a value. */
export interface AuditedRead {
  object: string;
  recordId: string;
  fields: string[];
}

/** Decrypts a record (as parsed JSON) in place unless it is `clear`, and notes the audited fields it shows. */
function revealRecord(
  object: CompiledObject,
  record: Row,
  compiled: CompiledMetadata,
  reads: AuditedRead[],
  clear: boolean,
  depth = 0,
): void {
  const sensitive = sensitivityOf(object, compiled);
  if (!sensitive) return;
  for (const field of clear ? [] : sensitive.encrypted) {
    const value = record[field.def.apiName];
    if (typeof value === 'string') record[field.def.apiName] = field.type.fromColumns([value], field.def);
  }
  const shown = sensitive.audited.filter((f) => record[f.def.apiName] != null).map((f) => f.def.apiName);
  if (shown.length && typeof record.id === 'string')
    reads.push({ object: object.def.apiName, recordId: record.id, fields: shown });
  // An expanded lookup is `{ id, …fields }`; one level deep, as lists expand.
  if (depth > 0) return;
  for (const [name, target] of sensitive.lookups) {
    const nested = record[name];
    if (nested && typeof nested === 'object') revealRecord(target, nested as Row, compiled, reads, clear, depth + 1);
  }
}

/**
 * Records as JSON texts joined by commas (a list page) or one record's text, decrypted (unless
 * `clear`: decoded in JavaScript already), with the audited reads they hold. The text is
 * returned as it is when nothing needs doing.
 */
export function revealJson(
  object: CompiledObject,
  text: string,
  compiled: CompiledMetadata,
  clear = false,
): { text: string; reads: AuditedRead[] } {
  const reads: AuditedRead[] = [];
  if (!text || !sensitivityOf(object, compiled)) return { text, reads };
  const records = JSON.parse(`[${text}]`) as Row[];
  for (const record of records) revealRecord(object, record, compiled, reads, clear);
  return { text: records.map((r) => JSON.stringify(r)).join(','), reads };
}

/**
 * A record kept outside its table (a workflow run's copy of it) with its encrypted fields
 * encrypted, as the table keeps them; openRecord gives it back in clear.
 */
export function sealRecord(object: CompiledObject | undefined, record: Row, compiled: CompiledMetadata): Row {
  return mapEncrypted(object, record, compiled, (field, value) => field.type.toColumns(value, field.def)[0]);
}

export function openRecord(object: CompiledObject | undefined, record: Row, compiled: CompiledMetadata): Row {
  return mapEncrypted(object, record, compiled, (field, value) => field.type.fromColumns([value], field.def));
}

function mapEncrypted(
  object: CompiledObject | undefined,
  record: Row,
  compiled: CompiledMetadata,
  map: (field: CompiledField, value: string) => unknown,
): Row {
  const encrypted = object ? (sensitivityOf(object, compiled)?.encrypted ?? []) : [];
  if (!encrypted.length) return record;
  const copy = { ...record };
  for (const field of encrypted) {
    const value = copy[field.def.apiName];
    if (typeof value === 'string') copy[field.def.apiName] = map(field, value);
  }
  return copy;
}
