import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.js';

describe('settings from the environment', () => {
  it('takes a variable set but empty for unset, so the data never lands in the current folder', () => {
    const config = configFromEnv({ INIT_CWD: '/srv/crm', TESSERA_DATA_DIR: '', TESSERA_SCHEMA: '', HOST: '' });
    expect(config.dataDir).toBe(path.resolve('/srv/crm', 'data'));
    expect(config.schema).toBe('tenant_default');
    expect(config.host).toBe('0.0.0.0');
    expect(configFromEnv({ INIT_CWD: '/srv/crm', TESSERA_DATA_DIR: 'db' }).dataDir).toBe('/srv/crm/db');
  });
});
