import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { ADMIN } from './admin.js';
import { waitFor } from './security.js';
import { ON_POSTGRES, request } from './test-engine.js';

/**
 * `tessera start` as a process of its own, as an operator runs it: the crash and scale-out tests
 * kill it with a real SIGKILL and start others beside it on the same database.
 */

const repo = path.resolve(import.meta.dirname, '../../..');

export interface EngineProcess {
  url: string;
  /** The first admin's bearer token, from a login on this process. */
  token: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output: () => string;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the engine on `port`, on PGlite in `dataDir` or on PostgreSQL in `schema`; ready and logged in. */
export async function startProcess(
  port: number,
  database: { dataDir: string; schema: string },
  env: Record<string, string> = {},
): Promise<EngineProcess> {
  let output = '';
  // node itself runs the engine (tsx as a loader, not its CLI, which would start a second process
  // that a SIGKILL of the first would leave running).
  const child = spawn(process.execPath, ['--import', 'tsx', 'engine/src/cli.ts', 'start'], {
    cwd: repo,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_DATA_DIR: database.dataDir,
      TESSERA_SCHEMA: database.schema,
      DATABASE_URL: ON_POSTGRES ? process.env.DATABASE_URL : '',
      TESSERA_ADMIN_EMAIL: ADMIN.email,
      TESSERA_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the engine exited: ${output}`);
      return (
        (await fetch(`${url}/health`)
          .then((r) => r.ok)
          .catch(() => false)) || undefined
      );
    },
    'the engine to start',
    60_000,
  );
  const login = await request(url, 'POST', '/api/v1/auth/login', ADMIN);
  expect(login.status, output).toBe(200);
  return { url, token: login.body.token, child, output: () => output };
}

/** SIGKILL, and wait until the process is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}
