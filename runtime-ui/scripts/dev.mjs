#!/usr/bin/env node
// `npm run dev`: the engine restarting on change (tsx watch, port 3000) and Vite's dev servers
// with hot reload, the runtime UI's (http://127.0.0.1:5173) and the studio's
// (http://127.0.0.1:5174/studio/), both handing /api to the engine. Ctrl+C stops all three.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.dirname(ui);
const vitePackage = createRequire(path.join(ui, 'package.json')).resolve('vite/package.json');
const vite = path.join(path.dirname(vitePackage), JSON.parse(fs.readFileSync(vitePackage, 'utf8')).bin.vite);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const children = [
  spawn(npm, ['run', 'dev', '-w', 'engine'], { cwd: repo, stdio: 'inherit' }),
  spawn(process.execPath, [vite], { cwd: ui, stdio: 'inherit' }),
  spawn(process.execPath, [vite], { cwd: path.join(repo, 'studio'), stdio: 'inherit' }),
];
console.log(
  'tessera dev: open http://127.0.0.1:5173 and the studio at http://127.0.0.1:5174/studio/ (hot reload); the API runs on http://localhost:3000',
);
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  process.exitCode = code;
};
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
