import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * Starts what a user would run: the UI and the studio built (if stale) and `tessera start` on a fresh PGlite
 * folder, on 127.0.0.1 and a free port. Tests get its URL and the admin's credentials.
 */

const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const ADMIN = { email: 'admin@tessera.local', password: 'e2e-admin-password-1' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForHealth(url: string, engine: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (engine.exitCode !== null) throw new Error(`the engine exited (${engine.exitCode}):\n${log()}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the engine did not answer /health within 120 s:\n${log()}`);
}

let engine: ChildProcess | undefined;
let dataDir: string | undefined;
let packsDir: string | undefined;

export default async function setup(project: TestProject) {
  const build = spawnSync(process.execPath, [path.join(repo, 'runtime-ui/scripts/ensure-built.mjs')], {
    stdio: 'inherit',
  });
  for (const app of ['runtime-ui', 'studio'])
    if (build.status !== 0 || !fs.existsSync(path.join(repo, app, 'dist/index.html')))
      throw new Error(`${app} did not build`);

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));
  // The engine's packs folder: a copy of the e2e fixture packs, which studio-packs.e2e.ts
  // replaces with their next version during its run (the repository's copy stays as it is).
  packsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-packs-'));
  fs.cpSync(path.join(repo, 'runtime-ui/e2e/fixtures/packs'), packsDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  engine = spawn(process.execPath, [path.join(repo, 'node_modules/tsx/dist/cli.mjs'), 'engine/src/cli.ts', 'start'], {
    cwd: repo,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_PACKS_DIR: packsDir,
      TESSERA_ADMIN_EMAIL: ADMIN.email,
      TESSERA_ADMIN_PASSWORD: ADMIN.password,
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  engine.stdout!.on('data', (d) => (output += d));
  engine.stderr!.on('data', (d) => (output += d));
  await waitForHealth(url, engine, () => output);
  project.provide('engineUrl', url);
  project.provide('admin', ADMIN);
  project.provide('packsDir', packsDir);

  return async () => {
    if (engine && engine.exitCode === null) {
      const exited = new Promise((r) => engine!.once('exit', r));
      engine.kill('SIGTERM');
      await exited;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (packsDir) fs.rmSync(packsDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    engineUrl: string;
    admin: { email: string; password: string };
    /** The engine's packs folder (TESSERA_PACKS_DIR), a temporary copy of e2e/fixtures/packs. */
    packsDir: string;
  }
}
