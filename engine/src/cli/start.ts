import { Command } from 'commander';
import { configFromEnv } from '../config.js';
import { startEngine } from '../engine.js';
import { log } from '../lib/log.js';
import { action, examples } from './action.js';
import { fieldKeysOf } from './field-keys.js';
import { databaseOf } from './registry.js';

/** `tessera start`: the server, with settings from the environment (README, Configuration). */
export function startCommand(): Command {
  return new Command('start')
    .description('run the server (API and runtime UI) with the settings of the environment')
    .addHelpText(
      'after',
      examples(
        'tessera start',
        'PORT=8080 TESSERA_ADMIN_PASSWORD=change-me tessera start',
        'DATABASE_URL=postgres://user:password@db-host:5432/crm LOG_LEVEL=debug tessera start',
      ),
    )
    .action(action('could not start', start));
}

async function start(): Promise<void> {
  const started = performance.now();
  const config = configFromEnv();
  const encryptionKeys = fieldKeysOf(config, log);
  const engine = await startEngine({
    ...config,
    database: databaseOf(config),
    logger: log,
    ...(encryptionKeys ? { encryptionKeys } : {}),
  });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  // performance.now() counts from the process's start: module loading included.
  const now = performance.now();
  const ms = Math.round(now - started);
  const sinceProcessStart = Math.round(now);
  log.info(
    { port: config.port, ms, sinceProcessStart },
    `ready on http://localhost:${config.port} in ${ms} ms (${sinceProcessStart} ms after the process started), data in ${where}`,
  );
  // Log lines go out in batches (lib/log.ts); the start-up ones are out before the first request.
  log.flush();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down');
    log.flush();
    await engine.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
