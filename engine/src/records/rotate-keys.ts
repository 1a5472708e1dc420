import type { Knex } from 'knex';
import { currentKeyId } from '../lib/field-cipher.js';
import type { CompiledMetadata } from '../metadata/compile.js';

/**
 * Key rotation (`tessera keys rotate`): every value of an encrypted field that is not under the
 * current key — under an old one, or stored in clear before the field was encrypted — is
 * decrypted and encrypted again under the current key, with its blind index, a batch of rows
 * per transaction, so a rotation over millions of rows holds no long lock and can be stopped
 * and run again. Neither version nor updated_at moves: the record did not change, and workflows
 * see no change (the value in clear is the same).
 */

export interface Rotated {
  object: string;
  field: string;
  rows: number;
}

export async function rotateFieldKeys(
  knex: Knex,
  schema: string,
  compiled: CompiledMetadata,
  batch = 500,
): Promise<Rotated[]> {
  const current = `tsr1.${currentKeyId()}.%`;
  const done: Rotated[] = [];
  for (const object of compiled.objects.values()) {
    for (const field of object.fields.values()) {
      if (!field.type.encryption) continue;
      const [column] = field.columns;
      const table = `${schema}.${object.table}`;
      let rows = 0;
      for (;;) {
        const moved = await knex.transaction(async (trx) => {
          const stale = await trx(table)
            .select<{ id: string; value: string }[]>('id', `${column} as value`)
            .whereNotNull(column!)
            .whereNot(column!, 'like', current)
            .orderBy('id')
            .limit(batch)
            .forUpdate();
          for (const row of stale) {
            // fromColumns reads either (an old key's ciphertext, or clear text); toColumns writes the current key's.
            const plain = field.type.fromColumns([row.value], field.def);
            const values = field.type.toColumns(plain, field.def);
            await trx(table)
              .where({ id: row.id })
              .update(Object.fromEntries(field.columns.map((c, i) => [c, values[i]])));
          }
          return stale.length;
        });
        rows += moved;
        if (moved < batch) break;
      }
      done.push({ object: object.def.apiName, field: field.def.apiName, rows });
    }
  }
  return done;
}
