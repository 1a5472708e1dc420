import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDatabase } from './support/cli.js';

/**
 * `tessera metadata export|import|diff` as users run them (bin/tessera.mjs) on a fresh PGlite data
 * folder or PostgreSQL schema; the server is started only to look at what they did (embedded PGlite
 * has one owner at a time).
 */

const cli = cliDatabase('cfg');
const { schema, withServer } = cli;
const tessera = (...args: string[]) => cli.tessera(args);
const dir = (name: string) => path.join(cli.root, name);

/** Every file under a folder, by relative path. */
function tree(at: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(at, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(at, full)] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

const edit = (file: string, change: (doc: any) => void) => {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(doc);
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
};

describe('tessera metadata', () => {
  it('says what each command does, with examples', async () => {
    for (const command of ['export', 'import', 'diff']) {
      const help = await tessera('metadata', command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: tessera metadata ${command}`);
      expect(help.stdout).toContain(`$ tessera metadata ${command}`);
    }
  }, 60_000);

  it('exports the same bytes twice, and diff tells the same (0), different (1) and trouble (2) apart', async () => {
    const first = await tessera('metadata', 'export', dir('config'));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/exported the draft of tenant default to .*: 34 files \(34 added/);
    const files = tree(dir('config'));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['tessera-config.json', 'objects/opportunity.json', 'layouts/opportunity_layout.json']),
    );
    for (const text of Object.values(files)) expect(text.endsWith('}\n')).toBe(true);
    const again = await tessera('metadata', 'export', dir('config'));
    expect(again.stdout).toContain('(0 added, 0 changed, 0 removed, 34 unchanged)');
    expect(tree(dir('config'))).toEqual(files);

    expect((await tessera('metadata', 'diff', dir('config'))).code).toBe(0);
    // One label changes one line of one file, and diff points at it.
    const opportunity = path.join(dir('config'), 'objects/opportunity.json');
    fs.writeFileSync(opportunity, files['objects/opportunity.json']!.replace('"Opportunity Name"', '"Deal Name"'));
    const changed = await tessera('metadata', 'diff', dir('config'));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('differs from the draft in 1 file(s)');
    expect(changed.stdout).toMatch(/changed +objects\/opportunity\.json\n +~ \/fields\/0\/label\/en\n/);
    fs.writeFileSync(path.join(dir('config'), 'tessera-config.json'), '{"format": 9}\n');
    const trouble = await tessera('metadata', 'diff', dir('config'));
    expect(trouble.code).toBe(2);
    expect(trouble.stderr).toContain('tessera-config.json#/format: this engine reads format 1');
    fs.writeFileSync(path.join(dir('config'), 'tessera-config.json'), files['tessera-config.json']!);

    // Imported and published, the edited folder is what an export writes, byte for byte.
    const imported = await tessera('metadata', 'import', dir('config'), '--publish');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('changed  field opportunity.name');
    expect(imported.stdout).toContain('schema plan: no change to the database');
    expect(imported.stdout).toContain('published release 2');
    const edited = tree(dir('config'));
    expect((await tessera('metadata', 'export', dir('config'))).stdout).toContain('34 unchanged');
    expect(tree(dir('config'))).toEqual(edited);
    expect((await tessera('metadata', 'diff', dir('config'), '--current')).code).toBe(0);
  }, 300_000);

  it('refuses a bad file naming the file and the pointer, and changes nothing', async () => {
    fs.cpSync(dir('config'), dir('bad'), { recursive: true });
    edit(path.join(dir('bad'), 'objects/account.json'), (doc) => (doc.fields[1].type = 'no_such_type'));
    fs.writeFileSync(path.join(dir('bad'), 'roles/ceo.json'), '{ "apiName": ');
    const bad = await tessera('metadata', 'import', dir('bad'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the configuration files are not valid; nothing was changed');
    expect(bad.stderr).toContain('roles/ceo.json#: not JSON');
    // A file that parses is checked once every file does.
    fs.copyFileSync(path.join(dir('config'), 'roles/ceo.json'), path.join(dir('bad'), 'roles/ceo.json'));
    const badType = await tessera('metadata', 'import', dir('bad'));
    expect(badType.stderr).toMatch(/objects\/account\.json#\/fields\/1\/type: /);
    expect((await tessera('metadata', 'diff', dir('config'))).code).toBe(0);
  }, 120_000);

  it('never follows a link, reads no huge file, and keeps out of folders that hold something else', async () => {
    fs.cpSync(dir('config'), dir('linked'), { recursive: true });
    fs.writeFileSync(dir('outside.json'), '{"apiName": "outside"}');
    fs.symlinkSync(dir('outside.json'), path.join(dir('linked'), 'roles/outside.json'));
    fs.writeFileSync(path.join(dir('linked'), 'roles/huge.json'), ' '.repeat(3 * 1024 * 1024));
    const linked = await tessera('metadata', 'import', dir('linked'));
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('roles/outside.json#: is a link, not a file');
    expect(linked.stderr).toContain('roles/huge.json#: larger than 2 MB');
    fs.rmSync(path.join(dir('linked'), 'roles'), { recursive: true });
    fs.mkdirSync(dir('elsewhere'));
    fs.symlinkSync(dir('elsewhere'), path.join(dir('linked'), 'roles'));
    const written = await tessera('metadata', 'export', dir('linked'));
    expect(written.code).toBe(1);
    expect(written.stderr).toContain('roles#: is a link, not a folder');
    expect(fs.readdirSync(dir('elsewhere'))).toEqual([]);

    fs.mkdirSync(dir('project'));
    fs.writeFileSync(path.join(dir('project'), 'README.md'), '# ours\n');
    const refused = await tessera('metadata', 'export', dir('project'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('holds no tessera-config.json');
    expect(fs.readdirSync(dir('project'))).toEqual(['README.md']);
    const forced = await tessera('metadata', 'export', dir('project'), '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir('project'), 'README.md'), 'utf8')).toBe('# ours\n');
  }, 120_000);

  it('moves the configuration into a fresh tenant, which publishes the same schema', async () => {
    const created = await tessera('tenant', 'create', 'gamma', '--admin-email', 'g@gamma.test');
    expect(created.code, created.stderr).toBe(0);
    expect((await tessera('metadata', 'diff', dir('config'), '--tenant', 'gamma')).code).toBe(1);
    const planned = await tessera('metadata', 'import', dir('config'), '--tenant', 'gamma');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('not published');
    const published = await tessera('metadata', 'import', dir('config'), '--tenant', 'gamma', '--publish');
    expect(published.code, published.stderr).toBe(0);
    expect((await tessera('metadata', 'diff', dir('config'), '--tenant', 'gamma', '--current')).code).toBe(0);
    await withServer(async (t) => {
      const columns = (of: string) =>
        t.sql(
          `select table_name, column_name, data_type from information_schema.columns
           where table_schema = ? and table_name not like '\\_%' order by 1, 2`,
          [of],
        );
      expect(await columns(`${schema}__gamma`)).toEqual(await columns(schema));
      const audit = (await t.api('GET', '/api/v1/setup-audit')).body.data;
      expect(audit).toContainEqual(
        expect.objectContaining({
          action: 'meta.post',
          target: 'import',
          detail: { via: 'cli', files: 34, release: 2 },
        }),
      );
      // Data for the lossy step below.
      const account = await t.api('POST', '/api/v1/records/account', { name: 'Acme' });
      const deal = await t.api('POST', '/api/v1/records/opportunity', {
        name: 'Big deal',
        account: account.body.id,
        close_date: '2026-01-31',
        next_step: 'call back',
      });
      expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    });
  }, 300_000);

  it('publishes a lossy import only with --confirm-lossy', async () => {
    const opportunity = path.join(dir('config'), 'objects/opportunity.json');
    const layout = path.join(dir('config'), 'layouts/opportunity_layout.json');
    edit(opportunity, (doc) => (doc.fields = doc.fields.filter((f: any) => f.apiName !== 'next_step')));
    edit(layout, (doc) => {
      for (const section of doc.sections) section.fields = section.fields.filter((f: string) => f !== 'next_step');
    });
    const refused = await tessera('metadata', 'import', dir('config'), '--publish');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('this change would lose data; nothing was changed. Add --confirm-lossy');
    expect(refused.stderr).toContain('opportunity.next_step: ');
    expect((await tessera('metadata', 'diff', dir('config'))).code).toBe(1);
    const confirmed = await tessera('metadata', 'import', dir('config'), '--publish', '--confirm-lossy');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toMatch(/archive column opportunity\.next_step .* LOSSY: 1 row\(s\) hold data/);
    expect((await tessera('metadata', 'diff', dir('config'), '--current')).code).toBe(0);
  }, 120_000);
});
