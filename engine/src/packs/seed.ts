import { invalid, Problem } from '../errors.js';
import type { Caller } from '../security/caller.js';

/**
 * A pack's seed data: records loaded once, on its first install, through the record pipeline
 * (field checks, validation rules, defaults, rollups), in the transaction of the install, so a
 * seed record the rules refuse leaves nothing installed. A record may name itself with `_key`,
 * and a later record's lookup point at it with `{ "_ref": key }`.
 */

export interface SeedFile {
  /** The file, as pack.json lists it (seed/patients.json): errors name it. */
  file: string;
  object: string;
  records: Record<string, unknown>[];
}

export interface SeedWriter {
  create(object: string, body: unknown, caller: Caller): Promise<{ id: string }>;
}

const isRef = (v: unknown): v is { _ref: unknown } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && '_ref' in v;

/** Creates every seed record in order; answers how many. */
export async function loadSeeds(records: SeedWriter, files: readonly SeedFile[], caller: Caller): Promise<number> {
  const keys = new Map<string, string>();
  let count = 0;
  for (const { file, object, records: rows } of files) {
    for (const [i, row] of rows.entries()) {
      const at = `${file}#/records/${i}`;
      const { _key: key, ...fields } = row;
      const body: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(fields)) {
        if (!isRef(value)) {
          body[name] = value;
          continue;
        }
        const id = typeof value._ref === 'string' ? keys.get(value._ref) : undefined;
        if (!id)
          throw invalid(`a seed record of ${file} points at a record no earlier seed names`, [
            {
              field: `${at}/${name}`,
              code: 'reference',
              message: `no seed record has _key ${JSON.stringify(value._ref)}`,
            },
          ]);
        body[name] = id;
      }
      try {
        const created = await records.create(object, body, caller);
        if (typeof key === 'string') keys.set(key, created.id);
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        throw new Problem(
          e.kind,
          `seed record ${i} of ${file} is refused: ${e.detail}`,
          e.errors.map((err) => ({ ...err, field: `${at}/${err.field.replace(/^\//, '')}` })),
        );
      }
      count++;
    }
  }
  return count;
}
