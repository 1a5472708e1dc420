import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { parseFieldKey } from '../lib/field-cipher.js';
import type { Logger } from '../lib/log.js';

/**
 * The keys of encrypted fields for `tessera start` and the management commands. From the
 * environment when set. On embedded PGlite without one, a key is made once in the data folder
 * (`encryption.key`, readable by its owner only), so a new user's `npm start` can install the
 * healthcare pack; a warning says production sets its own. On PostgreSQL without one there is
 * none, and publishing an encrypted field is refused with the reason.
 */
export function fieldKeysOf(config: Config, logger: Logger): { current: Buffer; old: Buffer[] } | undefined {
  const old = config.encryptionOldKeys.map(parseFieldKey);
  if (config.encryptionKey) return { current: parseFieldKey(config.encryptionKey), old };
  if (config.databaseUrl) return undefined;
  const file = path.join(config.dataDir, 'encryption.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    logger.warn(
      { file },
      'made a key for encrypted fields in the data folder; in production set TESSERA_ENCRYPTION_KEY and keep the key apart from the data',
    );
  }
  return { current: parseFieldKey(fs.readFileSync(file, 'utf8')), old };
}
