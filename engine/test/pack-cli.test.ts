import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDatabase } from './support/cli.js';

/** `tessera pack list|install|uninstall` as users run them, on a packs folder of one small pack. */

const cli = cliDatabase('pack');
const packs = path.join(cli.root, 'packs');
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
