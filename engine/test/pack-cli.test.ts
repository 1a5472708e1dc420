import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDatabase } from './support/cli.js';

/**
 * `tessera pack list|install|uninstall` as users run them, on a packs folder of one small pack;
 * `tessera pack validate` on the example pack (examples/custom-pack) and a copy with mistakes.
 */

const cli = cliDatabase('pack');
const packs = path.join(cli.root, 'packs');
const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/custom-pack/v1');
const tessera = (...args: string[]) => cli.tessera(args, { TESSERA_PACKS_DIR: packs });

const files: Record<string, unknown> = {
  'pack.json': {
    namespace: 'fl',
    name: 'fleet',
    version: '1.0.0',
    label: { en: 'Fleet', 'zh-CN': '车队' },
    objects: ['objects/truck.json'],
  },
  'objects/truck.json': {
    id: 'fl.truck',
    apiName: 'fl_truck',
    label: { en: 'Truck', 'zh-CN': '卡车' },
    pluralLabel: { en: 'Trucks', 'zh-CN': '卡车' },
    nameField: 'plate',
    fields: [{ id: 'fl.truck.plate', apiName: 'plate', type: 'text', label: { en: 'Plate', 'zh-CN': '车牌' } }],
  },
};
for (const [file, content] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(packs, 'fleet', file)), { recursive: true });
  fs.writeFileSync(path.join(packs, 'fleet', file), JSON.stringify(content));
}

describe('tessera pack', () => {
  it('lists, plans, installs and uninstalls a pack, saying what it does', async () => {
    const listed = await tessera('pack', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^fleet\s+1\.0\.0\s+not installed$/m);

    const planned = await tessera('pack', 'install', 'fleet', '--dry-run');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('add         object fl_truck');
    expect(planned.stdout).toContain('create table fl_truck');
    expect(planned.stdout).toContain('dry run; nothing was changed');
    expect((await tessera('pack', 'list')).stdout).toMatch(/not installed/);

    const installed = await tessera('pack', 'install', 'fleet');
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/install of fleet done: release \d+/);
    await cli.withServer(async (t) => {
      expect((await t.api('POST', '/api/v1/records/fl_truck', { plate: 'KA-01' })).status).toBe(201);
    });

    const refused = await tessera('pack', 'uninstall', 'fleet');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--confirm-lossy');
    const removed = await tessera('pack', 'uninstall', 'fleet', '--confirm-lossy');
    expect(removed.code, removed.stderr).toBe(0);
    expect((await tessera('pack', 'list')).stdout).toMatch(/^fleet\s+1\.0\.0\s+uninstalled 1\.0\.0$/m);
  }, 300_000);
});

describe('tessera pack validate', () => {
  const edit = (dir: string, file: string, change: (doc: any) => void) => {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    change(doc);
    fs.writeFileSync(path.join(dir, file), JSON.stringify(doc));
  };

  it('says a pack folder is valid, with what it read', async () => {
    const valid = await tessera('pack', 'validate', EXAMPLE);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('event-planning 1.0.0 (namespace ev) is valid: objects 2, layouts 1');
    expect(valid.stdout).toContain('seed records 4');
  });

  it('names every problem by file and JSON pointer, and exits 1', async () => {
    const broken = path.join(cli.root, 'broken');
    fs.cpSync(EXAMPLE, broken, { recursive: true });
    edit(broken, 'objects/event.json', (o) => {
      o.fields.find((f: { apiName: string }) => f.apiName === 'venue').target = 'ev_venues';
    });
    edit(broken, 'seed/events.json', (s) => {
      s.records[0].gests = 3;
    });
    edit(broken, 'extensions/account.json', (e) => {
      e.fields[0].id = 'account.catering_notes';
    });
    const shape = await tessera('pack', 'validate', broken);
    expect(shape.code).toBe(1);
    expect(shape.stdout).toBe('');
    // Shapes and namespaces first: the checks across items expect items of the right shape.
    expect(shape.stderr).toContain('has 1 problem');
    expect(shape.stderr).toContain(
      'extensions/account.json#/fields/0/id: id "account.catering_notes" must start with "ev."',
    );

    edit(broken, 'extensions/account.json', (e) => {
      e.fields[0].id = 'ev.account.catering_notes';
    });
    const refs = await tessera('pack', 'validate', broken);
    expect(refs.code).toBe(1);
    expect(refs.stderr).toContain('has 3 problems');
    expect(refs.stderr).toContain('objects/event.json#/fields/1/target: target object "ev_venues" does not exist');
    expect(refs.stderr).toContain('list-views/event-upcoming.json#/columns/1:');
    expect(refs.stderr).toContain('seed/events.json#/records/0/gests: ev_event has no field "gests"');

    fs.rmSync(path.join(broken, 'layouts'), { recursive: true });
    const missing = await tessera('pack', 'validate', broken);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('layouts/event.json: the file pack.json lists is not there');
  }, 120_000);
});
