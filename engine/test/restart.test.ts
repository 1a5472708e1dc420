import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ON_POSTGRES, startTestEngine } from './support/test-engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-restart-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('restart', () => {
  it('keeps metadata, releases and records across a restart', async () => {
    // Embedded: a real data folder (a fresh one, so this also covers first start).
    // PostgreSQL: the same schema, opened by a second engine.
    const first = await startTestEngine({ dataDir: path.join(dir, 'data'), keepSchema: true });
    const def = {
      apiName: 'visit',
      label: 'Visit',
      pluralLabel: 'Visits',
      nameField: 'title',
      fields: [
        { apiName: 'title', type: 'text', label: 'Title' },
        { apiName: 'ref', type: 'autonumber', label: 'Ref', format: 'V-{000}' },
      ],
    };
    expect((await first.api('POST', '/api/v1/meta/objects', def)).status).toBe(201);
    expect((await first.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const created = await first.api('POST', '/api/v1/records/visit', { title: 'Before restart' });
    expect(created.body.ref).toBe('V-001');
    const releases = (await first.api('GET', '/api/v1/meta/releases')).body.data;
    await first.close();

    const second = await startTestEngine({ dataDir: path.join(dir, 'data'), schema: first.schema });
    try {
      expect((await second.api('GET', `/api/v1/records/visit/${created.body.id}`)).body).toMatchObject({
        title: 'Before restart',
        ref: 'V-001',
      });
      expect((await second.api('GET', '/api/v1/meta/releases')).body.data).toEqual(releases);
      expect((await second.api('POST', '/api/v1/records/visit', { title: 'After restart' })).body.ref).toBe('V-002');
      // the core pack is installed once, not again on restart
      expect(releases.filter((r: { kind: string }) => r.kind === 'publish').length).toBe(2);
      if (!ON_POSTGRES) expect(fs.existsSync(path.join(dir, 'data', 'PG_VERSION'))).toBe(true);
    } finally {
      await second.close();
    }
  });
});
