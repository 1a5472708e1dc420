#!/usr/bin/env node
// Runs before `npm start`: builds the runtime UI when runtime-ui/dist is missing or older than
// any of its sources, so a fresh clone serves the UI after `npm install && npm start`, and an
// unchanged tree starts without building (a stat of the source tree, a few milliseconds).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'index.html');
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((p) =>
  path.join(root, p),
);

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), stat.mtimeMs);
}

const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
if (builtAt > Math.max(...sources.map(newest))) process.exit(0);

console.log(builtAt ? 'runtime-ui: sources changed, rebuilding the UI…' : 'runtime-ui: building the UI (first start)…');
const vitePackage = createRequire(path.join(root, 'package.json')).resolve('vite/package.json');
const vite = path.join(path.dirname(vitePackage), JSON.parse(fs.readFileSync(vitePackage, 'utf8')).bin.vite);
// NODE_ENV from the caller (a test runner sets 'test') would make React and Ant Design ship their development builds.
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
if (result.status !== 0) {
  console.error('runtime-ui: the UI build failed; the engine still starts, but / serves only the API pointer.');
  process.exit(0);
}
