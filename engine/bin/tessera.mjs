#!/usr/bin/env node
// The `tessera` command: runs the compiled engine (dist/cli.js), compiling it first when a source
// changed since the last build (scripts/build.mjs). `npm run dev` runs the TypeScript through tsx instead.
import { ensureBuilt } from '../scripts/build.mjs';

await ensureBuilt();
await import('../dist/cli.js');
