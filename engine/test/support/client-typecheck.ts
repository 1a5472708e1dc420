import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';

/**
 * Generates a typed client (openapi-typescript) from an OpenAPI document into `dir` as api.ts
 * and compiles it with the modules already there under strict options: the compiler errors of
 * each module, by file name without .ts. Both run in a child process: they take seconds of CPU,
 * and in the test's own process they would hold up the engine it runs, whose idle keep-alive
 * sockets would then close under the test's next request.
 */

const SELF = fileURLToPath(import.meta.url);

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  skipLibCheck: true,
};

export async function typecheckClient(
  doc: OpenAPI3,
  dir: string,
  modules: string[],
): Promise<Record<string, string[]>> {
  fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, dir, ...modules], {
    cwd: path.dirname(SELF),
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, string[]>;
}

async function check(dir: string, modules: string[]): Promise<Record<string, string[]>> {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, 'openapi.json'), 'utf8')) as OpenAPI3;
  // A property with a default is one a request may leave out.
  fs.writeFileSync(path.join(dir, 'api.ts'), astToString(await openapiTS(doc, { defaultNonNullable: false })));
  const files = ['api', ...modules].map((name) => path.join(dir, `${name}.ts`));
  const program = ts.createProgram(files, OPTIONS);
  return Object.fromEntries(
    files.map((file) => [
      path.basename(file, '.ts'),
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(file))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    ]),
  );
}

if (process.argv[1] === SELF) {
  const [dir, ...modules] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(await check(dir!, modules)));
}
