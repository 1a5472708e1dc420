import { configFromEnv } from './config.js';
import { startEngine } from './engine.js';

/** `tessera start`: runs the engine with settings from the environment (see README). */
async function start() {
  const started = Date.now();
  const config = configFromEnv();
  const engine = await startEngine({
    ...config,
    database: config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
    log: (line) => console.log(`tessera: ${line}`),
  });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(`tessera: ready on http://localhost:${config.port} in ${Date.now() - started} ms, data in ${where}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('tessera: shutting down');
    await engine.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const [command = 'start'] = process.argv.slice(2);
if (command === 'start') {
  start().catch((e) => {
    console.error(`tessera: could not start: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.TESSERA_DEBUG) console.error(e);
    process.exit(1);
  });
} else {
  console.error(`tessera: unknown command "${command}". Commands: start`);
  process.exit(2);
}
