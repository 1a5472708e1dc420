import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/security.js';
import { mountSmallDisk, type SmallDisk } from './support/full-disk.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Fault drill: the disk fills up while a CSV upload is written to the import folder. The client
 * gets a 507 problem+json saying the server's disk is full (not a 500, not a reset connection),
 * no job exists, not a row is written, the half-written upload is removed, and the next import
 * that fits goes through: a full disk costs the one upload, not the engine.
 */

let disk: SmallDisk;
let t: TestEngine;
beforeAll(async () => {
  disk = mountSmallDisk('1m');
  t = await startTestEngine({ importDir: disk.dir });
});
afterAll(async () => {
  await t?.close();
  disk?.unmount();
});

const countImported = async (prefix: string) =>
  (await t.sql('select count(*)::int as n from ?? where name like ?', [`${t.schema}.account`, `${prefix}%`]))[0]
    .n as number;

describe('a full disk during an import', () => {
  it('answers 507 naming the cause, writes nothing and leaves no file behind', async () => {
    // About 3 MB on a 1 MB disk: the write fails part-way through the upload.
    const rows = ['name,website', ...Array.from({ length: 60_000 }, (_, i) => `Full ${i},https://full${i}.test`)];
    const jobsBefore = await t.sql('select count(*)::int as n from ??', [`${t.schema}._import_jobs`]);

    const res = await t.api('POST', '/api/v1/records/account/import?mode=allOrNone', rows.join('\n'), {
      'content-type': 'text/csv',
    });

    expect(res.status, JSON.stringify(res.body)).toBe(507);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://tessera.dev/problems/insufficient-storage',
      status: 507,
      detail: expect.stringMatching(/no disk space left.*nothing was imported/),
      errors: [{ field: '/', code: 'diskFull' }],
    });
    expect(await countImported('Full ')).toBe(0);
    expect(await t.sql('select count(*)::int as n from ??', [`${t.schema}._import_jobs`])).toEqual(jobsBefore);
    expect(disk.entries()).toEqual([]);
  });

  it('imports the next file that fits, on the same disk', async () => {
    const res = await t.api('POST', '/api/v1/records/account/import', 'name\nAfter Full 1\nAfter Full 2', {
      'content-type': 'text/csv',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitFor(async () => {
      const j = (await t.api('GET', `/api/v1/imports/${res.body.id}`)).body;
      return j.status === 'queued' || j.status === 'running' ? undefined : j;
    }, 'the import to finish');
    expect(job).toMatchObject({ status: 'completed', rowsProcessed: 2 });
    expect(await countImported('After Full ')).toBe(2);
  });
});
