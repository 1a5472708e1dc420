import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Problem } from '../errors.js';
import { diffConfigs, jsonChanges } from './config-diff.js';
import { checkApiName } from './identifiers.js';
import { CONFIG_MARKER, configFiles, inFile, parseConfigFiles, stableJson } from './config-files.js';
import type { MetadataSnapshot, WorkflowDef } from './types.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const marker = stableJson({ format: 1 });

const snapshot: MetadataSnapshot = {
  objects: [
    {
      nameField: 'name',
      id: 'obj_1',
      apiName: 'vehicle',
      label: { 'zh-CN': '车辆', en: 'Vehicle' },
      pluralLabel: 'Vehicles',
      fields: [{ type: 'text', apiName: 'name', id: 'fld_1', label: 'Name' }],
    },
  ],
  layouts: [],
  listViews: [],
  workflows: [
    {
      id: 'wf_1',
      apiName: 'notify_erp',
      object: 'vehicle',
      trigger: { inbound: true, user: 'u', secret: 'in-secret' },
      actions: [{ type: 'webhook', url: 'https://erp.example/hook', secret: 'whsec_abc' }],
    } as unknown as WorkflowDef,
  ],
};

function refusal(run: () => unknown): Problem {
  try {
    run();
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('configFiles', () => {
  it('writes one file per item, keys sorted, 2-space indented, closing newline, no secrets', () => {
    const files = configFiles(snapshot);
    expect([...files.keys()]).toEqual(['objects/vehicle.json', CONFIG_MARKER, 'workflows/notify_erp.json']);
    const vehicle = files.get('objects/vehicle.json')!;
    expect(vehicle.startsWith('{\n  "apiName": "vehicle",\n  "fields": [\n    {\n      "apiName": "name",')).toBe(true);
    expect(vehicle).toContain('"label": {\n    "en": "Vehicle",\n    "zh-CN": "车辆"\n  }');
    expect(vehicle.endsWith('}\n')).toBe(true);
    const workflow = files.get('workflows/notify_erp.json')!;
    expect(workflow).not.toContain('secret');
    expect(snapshot.workflows![0]!.actions[0]).toHaveProperty('secret', 'whsec_abc');
  });

  it('gives the same bytes whatever order the keys came in', () => {
    const reordered = JSON.parse(JSON.stringify(snapshot), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as MetadataSnapshot;
    expect(configFiles(reordered)).toEqual(configFiles(snapshot));
  });
});

describe('parseConfigFiles', () => {
  const files = (extra: Record<string, string>) =>
    new Map(Object.entries({ [CONFIG_MARKER]: marker, ...extra }).map(([p, t]) => [p, bytes(t)]));

  it('reads back what configFiles wrote', () => {
    const parsed = parseConfigFiles(new Map([...configFiles(snapshot)].map(([p, t]) => [p, bytes(t)])));
    expect(parsed.objects).toEqual(snapshot.objects);
    expect(parsed.workflows![0]!.trigger).not.toHaveProperty('secret');
  });

  it('names the file and the pointer of every problem, and ignores what is not of the format', () => {
    const problem = refusal(() =>
      parseConfigFiles(
        files({
          'objects/car.json': '{"apiName": "truck"}',
          'objects/bad.json': '{ not json',
          'layouts/list.json': '[1, 2]',
          'objects/Upper.json': '{}',
          'objects/x.txt': '{}',
          'README.md': '# not ours',
          '.git/config': '[core]',
        }),
      ),
    );
    expect(problem.status).toBe(422);
    expect(problem.errors.map((e) => [e.field, e.code])).toEqual([
      ['layouts/list.json#', 'type'],
      ['objects/Upper.json#', 'path'],
      ['objects/bad.json#', 'notJson'],
      ['objects/car.json#/apiName', 'fileName'],
      ['objects/x.txt#', 'path'],
    ]);
  });

  it('refuses a folder without the marker, or of another format, and non-UTF-8 or oversized files', () => {
    expect(refusal(() => parseConfigFiles(new Map())).errors[0]).toMatchObject({
      field: `${CONFIG_MARKER}#`,
      code: 'required',
    });
    expect(refusal(() => parseConfigFiles(new Map([[CONFIG_MARKER, bytes('{"format": 2}')]]))).errors[0]).toMatchObject(
      { field: `${CONFIG_MARKER}#/format`, code: 'const' },
    );
    const bad = refusal(() =>
      parseConfigFiles(
        new Map([
          [CONFIG_MARKER, bytes(marker)],
          ['roles/a.json', new Uint8Array([0x7b, 0xff, 0x7d])],
          ['roles/b.json', new Uint8Array(2 * 1024 * 1024 + 1).fill(32)],
        ]),
      ),
    );
    expect(bad.errors.map((e) => e.code)).toEqual(['charset', 'fileSize']);
  });

  it('lets no hostile identifier through as a file name: refused as a path, or as an API name after', () => {
    const corpus = fs.readFileSync(new URL('../../test/corpus/identifiers.txt', import.meta.url), 'utf8');
    for (const name of corpus.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const path = `objects/${name}.json`;
      let refused: Problem | undefined;
      try {
        parseConfigFiles(files({ [path]: JSON.stringify({ apiName: name }) }));
      } catch (e) {
        refused = e as Problem;
      }
      const asPath = refused?.errors.some((e) => e.field === `${path}#` && e.code === 'path');
      expect(asPath || checkApiName(name) !== undefined, name).toBe(true);
    }
  });

  it('maps whole-snapshot errors to files', () => {
    expect(inFile({ field: '/objects/vehicle/fields/0/type', code: 'enum', message: '' }).field).toBe(
      'objects/vehicle.json#/fields/0/type',
    );
    expect(inFile({ field: '/permissionSets/sales/objects/x', code: 'reference', message: '' }).field).toBe(
      'permission-sets/sales.json#/objects/x',
    );
    expect(inFile({ field: 'vehicle.name', code: 'typeChange', message: '' }).field).toBe('vehicle.name');
  });
});

describe('diffConfigs', () => {
  it('lists added, removed and changed files with the pointers that differ, ignoring secrets', () => {
    const after = structuredClone(snapshot);
    after.objects[0]!.fields.push({ apiName: 'vin', type: 'text', label: 'VIN' } as never);
    after.objects[0]!.pluralLabel = 'Cars';
    (after.workflows![0]!.actions[0] as { secret: string }).secret = 'whsec_other';
    after.roles = [{ id: 'r1', apiName: 'boss', label: 'Boss' }];
    after.workflows = [...after.workflows!];
    expect(diffConfigs(snapshot, after)).toEqual([
      {
        file: 'objects/vehicle.json',
        change: 'changed',
        paths: [
          { op: '+', pointer: '/fields/1' },
          { op: '~', pointer: '/pluralLabel' },
        ],
      },
      { file: 'roles/boss.json', change: 'added' },
    ]);
    expect(diffConfigs(after, snapshot).map((c) => c.change)).toEqual(['changed', 'removed']);
    expect(diffConfigs(snapshot, structuredClone(snapshot))).toEqual([]);
  });

  it('matches items of arrays by id, so one insertion or a move is one change', () => {
    const a = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(jsonChanges(a, [{ id: 'x' }, ...a])).toEqual([{ op: '+', pointer: '/0' }]);
    expect(jsonChanges(a, [a[0], a[2]])).toEqual([{ op: '-', pointer: '/1' }]);
    expect(jsonChanges(a, [a[1], a[0], a[2]])).toEqual([{ op: '↕', pointer: '/' }]);
    expect(jsonChanges({ k: [1, 2] }, { k: [1, 3, 4] })).toEqual([
      { op: '~', pointer: '/k/1' },
      { op: '+', pointer: '/k/2' },
    ]);
    expect(jsonChanges({ 'a/b': 1 }, { 'a/b': 2 })).toEqual([{ op: '~', pointer: '/a~1b' }]);
  });
});
