import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Problem } from '../errors.js';
import { describeConfigChanges } from '../metadata/config-diff.js';
import type { ConfigSource } from '../metadata/config.service.js';
import type { PublishResult } from '../metadata/publish.js';
import { action, examples, print } from './action.js';
import { readConfigDir, writeConfigDir } from './config-dir.js';
import { tenantNamed, withRegistry } from './registry.js';

/**
 * `tessera metadata export|import|diff`: the configuration as a folder of JSON files, one per
 * item, for git (metadata/config-files.ts has the format, metadata/config.service.ts the work).
 */

const tenantOption = ['--tenant <name>', 'the tenant whose configuration it is', 'default'] as const;

const releaseNumber = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a release number: 1, 2, 3…');
  return n;
};

interface SourceOptions {
  release?: number;
  current?: boolean;
}

const sourceOf = (o: SourceOptions): ConfigSource => o.release ?? (o.current ? 'current' : 'draft');
const sourceName = (s: ConfigSource) =>
  s === 'draft' ? 'the draft' : s === 'current' ? 'the current release' : `release ${s}`;

const sourceOptions = (command: Command, verb: string) =>
  command
    .addOption(
      new Option('--release <n>', `${verb} release n instead of the draft`)
        .argParser(releaseNumber)
        .conflicts('current'),
    )
    .option('--current', `${verb} the current (last published) release instead of the draft`);

export function metadataCommand(): Command {
  const metadata = new Command('metadata').description(
    'the configuration as JSON files, one per item, to keep in git: export, import, diff',
  );
  sourceOptions(
    metadata
      .command('export')
      .description(
        'write the configuration into a folder, one file per item (objects/<name>.json, layouts/…, workflows/…); ' +
          'the folder then holds exactly it. Workflow secrets are left out.',
      )
      .argument('<dir>', 'the folder; created when missing'),
    'export',
  )
    .option('--force', 'write into a folder that is not empty and holds no earlier export')
    .option(...tenantOption)
    .addHelpText(
      'after',
      examples(
        'tessera metadata export config/',
        'tessera metadata export config/ --current --tenant acme',
        'tessera metadata export /tmp/release-3 --release 3',
      ),
    )
    .action(action('could not export the configuration', exportDir));
  metadata
    .command('import')
    .description(
      'replace the draft with the folder (every file checked first; nothing changes if one is refused) ' +
        'and show the publish plan; with --publish, publish it too',
    )
    .argument('<dir>', 'a folder written by tessera metadata export')
    .option('--publish', 'publish the imported draft as a new release')
    .option('--confirm-lossy', 'with --publish: go ahead with steps that archive data (the plan lists them)')
    .option(...tenantOption)
    .addHelpText(
      'after',
      examples(
        'tessera metadata import config/',
        'tessera metadata import config/ --publish',
        'tessera metadata import config/ --publish --confirm-lossy --tenant acme',
      ),
    )
    .action(action('could not import the configuration', importDir));
  sourceOptions(
    metadata
      .command('diff')
      .description(
        'show what the folder changes relative to the draft: files added, removed and changed, with the JSON ' +
          'pointers that differ. Exit status 0 when the same, 1 when different, 2 on an error.',
      )
      .argument('<dir>', 'a folder written by tessera metadata export'),
    'compare with',
  )
    .option(...tenantOption)
    .addHelpText(
      'after',
      examples('tessera metadata diff config/', 'tessera metadata diff config/ --current && echo "up to date"'),
    )
    .action(action('could not compare the configuration', diffDir, 2));
  return metadata;
}

async function exportDir(dir: string, options: SourceOptions & { force?: boolean; tenant: string }): Promise<void> {
  await withRegistry(async ({ tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    const source = sourceOf(options);
    const files = await tenant.metadata.configFiles.exportFiles(source);
    const s = writeConfigDir(dir, files, options.force === true);
    print(
      `tessera: exported ${sourceName(source)} of tenant ${tenant.name} to ${dir}: ${files.size} files ` +
        `(${s.added} added, ${s.changed} changed, ${s.removed} removed, ${s.unchanged} unchanged)`,
    );
  });
}

async function importDir(
  dir: string,
  options: { publish?: boolean; confirmLossy?: boolean; tenant: string },
): Promise<void> {
  const files = readConfigDir(dir);
  await withRegistry(async ({ db, tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    let result: PublishResult;
    try {
      result = await tenant.metadata.configFiles.importFiles(files, {
        publish: options.publish === true,
        confirmLossy: options.confirmLossy === true,
      });
    } catch (e) {
      // The engine's answer speaks of the API's confirmLossy; here it is a flag.
      if (e instanceof Problem && e.extra.confirmable === true)
        throw new Problem(
          e.kind,
          'this change would lose data; nothing was changed. Add --confirm-lossy to archive the affected data and go ahead',
          e.errors,
        );
      throw e;
    }
    await tenant.audit.record(db.knex, null, 'meta.post', 'import', {
      via: 'cli',
      files: files.size,
      release: result.release,
    });
    print(`tessera: imported ${files.size} files from ${dir} into the draft of tenant ${tenant.name}`);
    for (const line of describePlan(result)) print(line);
    const unchanged = !result.diff.length && !result.plan.length;
    if (unchanged) print('tessera: the draft equals the current release; nothing to publish');
    else if (result.dryRun) {
      const lossy = result.plan.some((p) => p.lossy) ? ' --confirm-lossy' : '';
      print(`tessera: not published; tessera metadata import ${path.normalize(dir)} --publish${lossy} publishes it`);
    } else print(`tessera: published release ${result.release}`);
  });
}

/** The publish plan as lines: the metadata changes, then the schema steps, lossy ones marked with the rows they hold. */
export function describePlan(result: PublishResult): string[] {
  const changes = result.diff.map((c) => {
    const name = c.object ? `${c.object}.${c.apiName}` : c.apiName;
    return `  ${c.change.padEnd(8)} ${c.kind} ${name}${c.from ? ` (was ${c.from})` : ''}`;
  });
  const steps = result.plan.map(
    (p) =>
      `  ${p.description}${p.lossy ? `   LOSSY: ${p.rows ?? 0} row(s) hold data` : ''}${p.blocked ? `   BLOCKED: ${p.blocked}` : ''}`,
  );
  return [
    ...(changes.length ? ['metadata changes:', ...changes] : ['metadata changes: none']),
    ...(steps.length ? ['schema plan:', ...steps] : ['schema plan: no change to the database']),
  ];
}

async function diffDir(dir: string, options: SourceOptions & { tenant: string }): Promise<void> {
  const files = readConfigDir(dir);
  const changes = await withRegistry(async ({ tenants }) => {
    const tenant = await tenantNamed(tenants, options.tenant);
    return tenant.metadata.configFiles.diff(files, sourceOf(options));
  });
  const against = sourceName(sourceOf(options));
  if (!changes.length) return print(`tessera: ${dir} is the same as ${against}`);
  print(`tessera: ${dir} differs from ${against} in ${changes.length} file(s):`);
  for (const line of describeConfigChanges(changes)) print(line);
  process.exitCode = 1;
}
