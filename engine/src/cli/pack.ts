import { Command } from 'commander';
import path from 'node:path';
import { invalid, Problem } from '../errors.js';
import { checkPack } from '../packs/pack-check.js';
import type { PackResult, PackStep } from '../packs/packs.service.js';
import { action, examples, print } from './action.js';
import { describePlan } from './metadata.js';
import { tenantNamed, withRegistry } from './registry.js';

/**
 * `tessera pack list|install|upgrade|uninstall`: the packs of plugins/ (TESSERA_PACKS_DIR) in a
 * tenant, as the API's /api/v1/packs does them (packs/packs.service.ts has the work); and
 * `tessera pack validate <folder>`, a pack being written checked without a database.
 */

const tenantOption = ['--tenant <name>', 'the tenant to change', 'default'] as const;

interface StepOptions {
  dryRun?: boolean;
  confirmLossy?: boolean;
  keepMine?: string[];
  takeTheirs?: string[];
  purge?: boolean;
  tenant: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function packCommand(): Command {
  const pack = new Command('pack').description(
    'industry packs: list the packs on offer, install, upgrade (keeping your changes) and uninstall (keeping the data)',
  );
  pack
    .command('list')
    .description('the packs of the packs folder and the versions installed')
    .option(...tenantOption)
    .action(action('could not list the packs', list));
  pack
    .command('validate')
    .description('check a pack folder without installing it: every problem named <file>#<JSON pointer>')
    .argument('<folder>', 'the pack folder (the one holding pack.json)')
    .addHelpText('after', examples('tessera pack validate examples/custom-pack/v1'))
    .action(action('the pack is not valid', validate));
  const steps: [PackStep, string][] = [
    ['install', 'install the pack (an uninstalled one comes back with its customisations and data)'],
    ['upgrade', "upgrade to the packs folder's version, merging it with your changes; conflicts need a choice"],
    ['uninstall', "remove the pack's objects and fields, archiving their data for a reinstall"],
  ];
  for (const [step, description] of steps) {
    const command = pack
      .command(step)
      .description(description)
      .argument('<name>', 'the pack (its folder name)')
      .option('--dry-run', 'show the plan; change nothing')
      .option('--confirm-lossy', 'go ahead with steps that archive data (the plan lists them)')
      .option(...tenantOption)
      .addHelpText(
        'after',
        examples(`tessera pack ${step} healthcare --dry-run`, `tessera pack ${step} healthcare --confirm-lossy`),
      )
      .action(action(`could not ${step} the pack`, (name: string, o: StepOptions) => run(step, name, o)));
    if (step === 'uninstall')
      command.option('--purge', 'drop the archived data for good and forget the pack (with --confirm-lossy)');
    if (step === 'upgrade')
      command
        .option('--keep-mine <key>', 'for this conflict, keep your value (repeatable)', collect)
        .option('--take-theirs <key>', "for this conflict, take the pack's value (repeatable)", collect);
  }
  return pack;
}

async function list(options: { tenant: string }): Promise<void> {
  await withRegistry(async ({ tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    const packs = await tenant.packs.list();
    if (!packs.length) return print('tessera: no packs in the packs folder and none installed');
    for (const p of packs) {
      const installed = p.installed ? `${p.installed.state} ${p.installed.version}` : 'not installed';
      print(
        `${p.name.padEnd(24)} ${(p.available ?? '-').padEnd(10)} ${installed}${p.problem ? `  (${p.problem})` : ''}`,
      );
    }
  });
}

function validate(folder: string): Promise<void> {
  const { manifest, counts, errors } = checkPack(path.resolve(folder));
  if (errors.length) throw invalid(`${folder} has ${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors);
  const read = Object.entries(counts).map(([what, n]) => `${what} ${n}`);
  print(
    `tessera: ${manifest!.name} ${manifest!.version} (namespace ${manifest!.namespace}) is valid: ${read.join(', ')}`,
  );
  print('  checked against the core pack; `tessera pack install <name> --dry-run` checks it against a tenant');
  return Promise.resolve();
}

async function run(step: PackStep, name: string, options: StepOptions): Promise<void> {
  const resolutions = Object.fromEntries([
    ...(options.keepMine ?? []).map((k) => [k, 'keepMine'] as const),
    ...(options.takeTheirs ?? []).map((k) => [k, 'takeTheirs'] as const),
  ]);
  await withRegistry(async ({ db, tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    let result: PackResult;
    try {
      result = await tenant.packs[step](name, {
        dryRun: options.dryRun === true,
        confirmLossy: options.confirmLossy === true,
        purge: options.purge === true,
        resolutions,
      });
    } catch (e) {
      // The engine's answers speak of the API's confirmLossy and resolutions; here they are flags.
      if (e instanceof Problem && e.extra.confirmable === true)
        throw new Problem(
          e.kind,
          `${e.detail.split(';')[0]}; nothing was changed. Add --confirm-lossy to go ahead`,
          e.errors,
        );
      if (e instanceof Problem && Array.isArray(e.extra.conflicts))
        throw new Problem(
          e.kind,
          `${e.detail.split(';')[0]}: give --keep-mine <key> or --take-theirs <key> for each conflict`,
          e.errors,
        );
      throw e;
    }
    if (!result.changed) return print(`tessera: ${name} ${result.to} is already installed; nothing to do`);
    for (const item of result.items.filter((i) => i.action !== 'unchanged'))
      print(`  ${item.action.padEnd(11)} ${item.kind} ${item.apiName}`);
    for (const c of result.conflicts)
      print(
        `  CONFLICT ${c.key}: yours ${JSON.stringify(c.mine)}, theirs ${JSON.stringify(c.theirs)}${c.resolution ? ` → ${c.resolution}` : ''}`,
      );
    for (const line of describePlan(result)) print(line);
    if (result.purged) print(`  purged: ${result.purged.tables} table(s), ${result.purged.columns} column(s) dropped`);
    if (result.dryRun) return print(`tessera: dry run; nothing was changed`);
    await tenant.audit.record(db.knex, null, `pack.${step}`, name, { via: 'cli', from: result.from, to: result.to });
    print(`tessera: ${step} of ${name} done: release ${result.release}`);
  });
}
