#!/usr/bin/env node
// Compiles engine/src to engine/dist with esbuild: one .js file per .ts file, not bundled, so the
// files read at run time relative to import.meta.url (schema/*.sql beside their module,
// metadata/, runtime-ui/dist, swagger-ui-dist) are found from dist as from src. Types are checked
// by `npm run typecheck`, not here.
//
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
//
// bin/tessera.mjs calls ensureBuilt() before it runs dist/cli.js, so `npm start` and `tessera …`
// never run stale code; with nothing changed that costs a stat of the source tree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const engine = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(engine, 'src');
const dist = path.join(engine, 'dist');
const stamp = path.join(dist, '.built');
const isTest = (file) => file.endsWith('.test.ts');
const copied = (file) => file.endsWith('.sql');

/** Every file under dir, but the staging folders of builds under way. */
function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.staging-')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Newest change under src (a deleted file changes its folder's time), this script, package.json; 0 when only dist was shipped. */
function newestSource() {
  if (!fs.existsSync(src)) return 0;
  let newest = Math.max(
    fs.statSync(fileURLToPath(import.meta.url)).mtimeMs,
    fs.statSync(path.join(engine, 'package.json')).mtimeMs,
  );
  const visit = (dir) => {
    newest = Math.max(newest, fs.statSync(dir).mtimeMs);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (!isTest(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  visit(src);
  return newest;
}

const builtAt = () => (fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0);

export async function build() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('engine: compiling needs esbuild, a dev dependency: run npm install, then npm run build');
  }
  // Built beside dist and moved in file by file (a rename replaces a file whole), so a process
  // starting from dist meanwhile, or another build, never reads a half-written file.
  fs.mkdirSync(dist, { recursive: true });
  const staging = fs.mkdtempSync(path.join(dist, '.staging-'));
  try {
    const sources = walk(src);
    await esbuild.build({
      entryPoints: sources.filter((f) => f.endsWith('.ts') && !isTest(f)),
      outdir: staging,
      outbase: src,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    for (const file of sources.filter(copied)) {
      const target = path.join(staging, path.relative(src, file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
    }
    const built = new Set(walk(staging).map((f) => path.relative(staging, f)));
    for (const file of built) {
      const target = path.join(dist, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(staging, file), target);
    }
    // What a deleted source left behind.
    for (const file of walk(dist)) {
      const relative = path.relative(dist, file);
      if (!built.has(relative) && file !== stamp) fs.rmSync(file, { force: true });
    }
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Builds when a source changed since the last build. Without esbuild (a production install) an existing build runs as it is. */
export async function ensureBuilt() {
  const at = builtAt();
  if (at > newestSource()) return;
  if (at > 0) {
    try {
      await import('esbuild');
    } catch {
      process.stderr.write(
        'engine: sources changed since engine/dist was built, and esbuild is not installed to rebuild it; running the old build\n',
      );
      return;
    }
  }
  process.stderr.write(
    at ? 'engine: sources changed, compiling engine/dist…\n' : 'engine: compiling engine/dist (first start)…\n',
  );
  await build();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--if-stale')) await ensureBuilt();
  else await build();
}
