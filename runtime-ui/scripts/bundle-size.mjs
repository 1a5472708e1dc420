#!/usr/bin/env node
// The JavaScript a first visit downloads before anything renders: the entry script of
// dist/index.html and the chunks it preloads (its static imports), each gzipped as served.
// `node bundle-size.mjs [dist]`: runtime-ui/dist by default; the studio passes its own.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const dist = process.argv[2]
  ? path.resolve(process.argv[2])
  : path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
// Asset URLs start with the app's base: / for the runtime UI, /studio/ for the studio.
const files = [...html.matchAll(/(?:src|href)="\/(?:studio\/)?(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let raw = 0;
let gzip = 0;
for (const file of files) {
  const bytes = fs.readFileSync(path.join(dist, file));
  const zipped = zlib.gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzip += zipped;
  console.log(`${(zipped / 1024).toFixed(1).padStart(7)} kB gzip  ${file}`);
}
console.log(
  `initial JS: ${(gzip / 1024).toFixed(1)} kB gzip (${(raw / 1024).toFixed(1)} kB raw) in ${files.length} files`,
);
