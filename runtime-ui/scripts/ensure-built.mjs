#!/usr/bin/env node
// Runs before `npm start`: builds the runtime UI and the studio when their dist is missing or
// older than any of their sources, so a fresh clone serves both after `npm install && npm start`,
// and an unchanged tree starts without building (a stat of the source trees, a few milliseconds).
// The studio imports runtime-ui's code, so a change there rebuilds it too.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];
const APPS = [
  { name: 'runtime-ui', what: 'the UI', root: path.join(repo, 'runtime-ui'), inputs: ['runtime-ui'] },
  // The studio also bundles the meta-model's JSON Schemas: its automation forms are drawn from them.
  {
    name: 'studio',
    what: 'the studio',
    root: path.join(repo, 'studio'),
    inputs: ['studio', 'runtime-ui'],
    files: ['metadata/schemas'],
  },
];

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), stat.mtimeMs);
}

const vitePackage = createRequire(path.join(repo, 'package.json')).resolve('vite/package.json');
const vite = path.join(path.dirname(vitePackage), JSON.parse(fs.readFileSync(vitePackage, 'utf8')).bin.vite);

for (const app of APPS) {
  const built = path.join(app.root, 'dist', 'index.html');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sources = [
    ...app.inputs.flatMap((dir) => SOURCES.map((p) => path.join(repo, dir, p))),
    ...(app.files ?? []).map((p) => path.join(repo, p)),
  ];
  if (builtAt > Math.max(...sources.map(newest))) continue;
  console.log(
    `${app.name}: ${builtAt ? `sources changed, rebuilding ${app.what}` : `building ${app.what} (first start)`}…`,
  );
  // NODE_ENV from the caller (a test runner sets 'test') would make React and Ant Design ship their development builds.
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: app.root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0)
    console.error(`${app.name}: the build failed; the engine still starts, but without ${app.what}.`);
}
