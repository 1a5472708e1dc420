import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The engine's logger: one JSON object a line (pino), or pino-pretty's readable lines when the
 * output is a terminal. LOG_LEVEL picks the level (info; warn under vitest, so test output stays
 * readable); LOG_FORMAT=json|pretty overrides the choice of format.
 *
 * Nothing logged carries a password, a token or a field value: request lines are a fixed set of
 * names (api/request-log.ts), and a database error is logged by what names it (SQLSTATE, table,
 * constraint), never by its message, which quotes the statement's values.
 */

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LogSettings {
  level: string;
  pretty: boolean;
  /** Set when LOG_LEVEL named no level: the logger says so once it exists. */
  unknownLevel?: string;
}

export function logSettings(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout) {
  const wanted = env.LOG_LEVEL?.trim().toLowerCase() || (env.VITEST ? 'warn' : 'info');
  const known = LEVELS.includes(wanted);
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  return {
    level: known ? wanted : 'info',
    pretty: format ? format === 'pretty' : stream.isTTY === true && env.NODE_ENV !== 'production',
    ...(known ? {} : { unknownLevel: wanted }),
  } satisfies LogSettings;
}

export interface LoggerOptions {
  /** Instead of LOG_LEVEL. */
  level?: string;
  /** Instead of the choice by LOG_FORMAT and the terminal. */
  pretty?: boolean;
  /** Where lines go: a stream (tests capture one), else this file descriptor (stdout). */
  destination?: DestinationStream;
  fd?: 1 | 2;
  /** JSON lines to this file instead (the benchmark's engine). */
  file?: string;
}

/**
 * JSON lines written in batches of at least 4 KB, and at least every 200 ms: a system call per
 * line cost a busy server about 0.1 ms of CPU a request (the bench's get went from 0.81 to 0.66 of
 * the hand-written endpoint). Lines still buffered are written when the process exits.
 */
const jsonLines = (dest: string | number) =>
  pino.destination({ dest, sync: false, minLength: 4096, periodicFlush: 200 });

let warnedOfLevel = false;

/** A logger with the engine's settings from the environment, unless `options` says otherwise. */
export async function createLogger(options: LoggerOptions = {}): Promise<Logger> {
  const fd = options.fd ?? 1;
  const env = logSettings(process.env, fd === 2 ? process.stderr : process.stdout);
  const destination =
    options.destination ?? ((options.pretty ?? env.pretty) ? await prettyStream(fd) : jsonLines(options.file ?? fd));
  const logger = pino({ level: options.level ?? env.level, serializers: { err: errorFields } }, destination);
  if (options.level === undefined && env.unknownLevel && !warnedOfLevel) {
    warnedOfLevel = true;
    logger.warn(`LOG_LEVEL "${env.unknownLevel}" is none of ${LEVELS.join(', ')}; logging at info`);
  }
  return logger;
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '-');

async function prettyStream(fd: 1 | 2): Promise<DestinationStream> {
  const { build } = await import('pino-pretty');
  return build({
    destination: fd,
    sync: true,
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // A request line reads like an access log: method, route, status and time lead, the rest follows.
    ignore: 'pid,hostname,method,route,status,ms',
    messageFormat: (line, messageKey) =>
      line.reqId === undefined
        ? text(line[messageKey])
        : `${text(line.method)} ${text(line.route)} ${text(line.status)} ${text(line.ms)} ms`,
  });
}

interface DatabaseError extends Error {
  code?: string;
  severity?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
}

/**
 * An error as logged. A PostgreSQL error's message and detail quote values ("Key (email)=(…)",
 * 'invalid input syntax for type uuid: "…"'), and knex puts the statement with its bindings in
 * front of the message: such errors keep only what names the failure, and their stack frames.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const db = err as DatabaseError;
  if (typeof db.severity === 'string' && typeof db.code === 'string') {
    return {
      type: err.constructor.name,
      code: db.code,
      table: db.table,
      column: db.column,
      constraint: db.constraint,
      routine: db.routine,
      stack: err.stack
        ?.split('\n')
        .filter((line) => line.startsWith('    at '))
        .join('\n'),
    };
  }
  return { type: err.constructor.name, message: err.message, stack: err.stack };
}

/** The process's logger, with the settings of the environment; modules without one of their own use it. */
export const log: Logger = await createLogger();
