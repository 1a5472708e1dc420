import { Problem } from '../errors.js';

/**
 * What every command shares: its answer on stdout (log lines go to the logger), and one way to
 * fail: a sentence on stderr naming each field and what is wrong with it, exit status 1, the
 * stack only with TESSERA_DEBUG.
 */

export const print = (line: string): void => void process.stdout.write(`${line}\n`);

export function describeError(e: unknown): string {
  if (e instanceof Problem) return [e.detail, ...e.errors.map((x) => `  ${x.field}: ${x.message}`)].join('\n');
  return e instanceof Error ? e.message : String(e);
}

/**
 * A command's action: `what` says what failed ("could not create the user"). A command whose exit
 * status 1 means something else (a diff that found differences) fails with another.
 */
export function action<A extends unknown[]>(what: string, run: (...args: A) => Promise<void>, failure = 1) {
  return async (...args: A): Promise<void> => {
    try {
      await run(...args);
    } catch (e) {
      process.stderr.write(`tessera: ${what}: ${describeError(e)}\n`);
      if (process.env.TESSERA_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exit(failure);
    }
  };
}

/** The closing lines of a command's --help. */
export const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
