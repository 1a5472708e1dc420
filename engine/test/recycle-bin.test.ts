import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
  const objects = [
    {
      apiName: 'album',
      label: 'Album',
      pluralLabel: 'Albums',
      nameField: 'title',
      fields: [
        { apiName: 'title', type: 'text', label: 'Title' },
        { apiName: 'catalog_no', type: 'text', label: 'Catalog no', unique: true },
      ],
    },
    {
      apiName: 'track',
      label: 'Track',
      pluralLabel: 'Tracks',
      nameField: 'title',
      fields: [
        { apiName: 'title', type: 'text', label: 'Title' },
        { apiName: 'album', type: 'masterDetail', label: 'Album', target: 'album' },
      ],
    },
  ];
  for (const o of objects) expect((await t.api('POST', '/api/v1/meta/objects', o)).status).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
});
afterAll(() => t?.close());

const live = async (table: string) =>
  (await t.sql('select count(*)::int as n from ?? where deleted_at is null', [`${t.schema}.${table}`]))[0].n;

describe('recycle bin', () => {
  it('deletes with the children, lists the bin, and restores parent and children together', async () => {
    const album = (await t.api('POST', '/api/v1/records/album', { title: 'Blue', catalog_no: 'B-1' })).body;
    for (const title of ['One', 'Two'])
      expect((await t.api('POST', '/api/v1/records/track', { title, album: album.id })).status).toBe(201);
    expect((await t.api('DELETE', `/api/v1/records/album/${album.id}`)).status).toBe(204);
    expect(await live('track')).toBe(0);
    expect((await t.api('GET', `/api/v1/records/album/${album.id}`)).status).toBe(404);
    const bin = await t.api('GET', '/api/v1/records/album?deleted=only');
    expect(bin.body.data.map((r: { id: string }) => r.id)).toEqual([album.id]);

    const restored = await t.api('POST', `/api/v1/records/album/${album.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ title: 'Blue', version: album.version + 2 });
    expect(await live('track')).toBe(2);
    expect((await t.api('GET', '/api/v1/records/album?deleted=only')).body.data).toEqual([]);
  });

  it('refuses to restore a child whose parent is still deleted', async () => {
    const album = (await t.api('POST', '/api/v1/records/album', { title: 'Red' })).body;
    const track = (await t.api('POST', '/api/v1/records/track', { title: 'Solo', album: album.id })).body;
    expect((await t.api('DELETE', `/api/v1/records/track/${track.id}`)).status).toBe(204);
    expect((await t.api('DELETE', `/api/v1/records/album/${album.id}`)).status).toBe(204);
    const refused = await t.api('POST', `/api/v1/records/track/${track.id}/restore`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({ field: 'album', code: 'reference' });
    expect((await t.api('GET', `/api/v1/records/track/${track.id}`)).status).toBe(404);
  });

  it('frees unique values in the bin and re-checks them on restore', async () => {
    const first = (await t.api('POST', '/api/v1/records/album', { title: 'Green', catalog_no: 'G-1' })).body;
    expect((await t.api('DELETE', `/api/v1/records/album/${first.id}`)).status).toBe(204);
    const second = await t.api('POST', '/api/v1/records/album', { title: 'Green again', catalog_no: 'G-1' });
    expect(second.status).toBe(201);
    const clash = await t.api('POST', `/api/v1/records/album/${first.id}/restore`);
    expect(clash.status).toBe(422);
    expect(clash.body.errors[0]).toMatchObject({ field: 'catalog_no', code: 'unique' });
    expect((await t.api('GET', `/api/v1/records/album/${first.id}`)).status).toBe(404);
  });

  it('purges only from the bin, and takes master-detail children with it', async () => {
    const album = (await t.api('POST', '/api/v1/records/album', { title: 'Gone' })).body;
    await t.api('POST', '/api/v1/records/track', { title: 'Gone track', album: album.id });
    expect((await t.api('POST', `/api/v1/records/album/${album.id}/purge`)).status).toBe(404);
    expect((await t.api('DELETE', `/api/v1/records/album/${album.id}`)).status).toBe(204);
    expect((await t.api('POST', `/api/v1/records/album/${album.id}/purge`)).status).toBe(204);
    expect(await t.sql('select id from ?? where id = ?', [`${t.schema}.album`, album.id])).toEqual([]);
    expect(await t.sql('select id from ?? where album = ?', [`${t.schema}.track`, album.id])).toEqual([]);
    expect((await t.api('POST', `/api/v1/records/album/${album.id}/restore`)).status).toBe(404);
  });

  it('refuses a bad deleted parameter', async () => {
    const res = await t.api('GET', '/api/v1/records/album?deleted=yes');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'deleted', code: 'enum' });
  });
});
