import { Command } from 'commander';
import { Problem } from '../errors.js';
import { fieldKeysSet } from '../lib/field-cipher.js';
import { rotateFieldKeys } from '../records/rotate-keys.js';
import { action, examples, print } from './action.js';
import { withRegistry } from './registry.js';

/**
 * `tessera keys rotate`: after TESSERA_ENCRYPTION_KEY is set to a new key (the old one moved to
 * TESSERA_ENCRYPTION_OLD_KEYS), every encrypted value of every tenant is encrypted again under
 * the new one (records/rotate-keys.ts). Once it has run, the old key can be dropped.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('manage the keys encrypted fields are stored under');
  keys
    .command('rotate')
    .description('encrypt every encrypted value again under TESSERA_ENCRYPTION_KEY, in batches, in every tenant')
    .option('--batch <rows>', 'rows per transaction (default 500)', '500')
    .addHelpText(
      'after',
      examples(
        'TESSERA_ENCRYPTION_KEY=<new> TESSERA_ENCRYPTION_OLD_KEYS=<old> tessera keys rotate',
        'TESSERA_ENCRYPTION_KEY=<new> TESSERA_ENCRYPTION_OLD_KEYS=<old> tessera keys rotate --batch 2000',
      ),
    )
    .action(action('could not rotate the keys', rotate));
  return keys;
}

async function rotate(options: { batch: string }): Promise<void> {
  const batch = Number(options.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000)
    throw new Problem('bad-request', 'the batch is 1 to 10000 rows', [
      { field: '--batch', code: 'range', message: 'a whole number of rows from 1 to 10000' },
    ]);
  await withRegistry(async ({ db, tenants }) => {
    if (!fieldKeysSet())
      throw new Problem('bad-request', 'no encryption key is set', [
        { field: 'TESSERA_ENCRYPTION_KEY', code: 'encryption', message: 'set the new key to rotate to' },
      ]);
    for (const { name } of await tenants.list()) {
      const tenant = (await tenants.find(name))!;
      const rotated = await rotateFieldKeys(db.knex, tenant.schema, tenant.metadata.compiled, batch);
      for (const r of rotated) print(`tessera: ${name} ${r.object}.${r.field}: ${r.rows} value(s) encrypted again`);
      if (!rotated.length) print(`tessera: ${name} has no encrypted fields`);
    }
  });
}
