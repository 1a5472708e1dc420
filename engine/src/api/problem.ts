import type { ErrorRequestHandler, Response } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { Problem, type ErrorCode, type ProblemKind } from '../errors.js';
import { logUnexpected } from './request-log.js';

/**
 * Every error leaves as application/problem+json. A database that cannot be reached is a 503 to
 * try again; other unexpected errors are logged and answered with a bare 500: never SQL, stack
 * traces or internal names.
 */
export function sendProblem(res: Response, p: Problem): void {
  if (typeof p.extra.retryAfter === 'number') res.set('Retry-After', String(p.extra.retryAfter));
  res.status(p.status).type('application/problem+json').send(problemText(p));
}

/** The problem's body. */
export const problemText = (p: Problem): string =>
  JSON.stringify({ type: p.type, title: p.title, status: p.status, detail: p.detail, errors: p.errors, ...p.extra });

/** Seconds a client waits before sending again a request refused because the database is away. */
const DATABASE_RETRY_AFTER = 5;

/** The body parser's error types, which clients see as the error's code. */
const BODY_ERROR_CODES = [
  'entity.parse.failed',
  'entity.too.large',
  'encoding.unsupported',
  'charset.unsupported',
  'request.aborted',
  'request.size.invalid',
] as const satisfies readonly ErrorCode[];

/**
 * The JSON parser and the router fail with 400, 413 or 415, sendFile with 404; these keep their
 * status, and any other 4xx from a library is answered as a bad request.
 */
const LIBRARY_PROBLEM_KINDS: Partial<Record<number, ProblemKind>> = {
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
};

export const problemHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const logged = (e: unknown, what: string) => logUnexpected(res, e, what);
  sendProblem(res, problemOf(err, logged));
};

/**
 * The problem an error is answered with; `unexpected` logs what is not the client's doing
 * (its message for the log).
 */
export function problemOf(err: unknown, unexpected: (err: unknown, what: string) => void): Problem {
  if (err instanceof Problem) return err;
  const status =
    (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  // body-parser errors: malformed JSON, too large, wrong charset
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (err as { type?: string }).type;
    const detail =
      type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : type === 'entity.too.large'
          ? 'the body is too large'
          : 'the request could not be read';
    return new Problem(LIBRARY_PROBLEM_KINDS[status] ?? 'bad-request', detail, [
      { field: '/', code: BODY_ERROR_CODES.find((code) => code === type) ?? 'body', message: detail },
    ]);
  }
  if (isDatabaseUnavailable(err)) {
    unexpected(err, 'the database cannot be reached');
    return new Problem(
      'service-unavailable',
      'the database cannot be reached just now; send the request again in a moment',
      [],
      { retryAfter: DATABASE_RETRY_AFTER },
    );
  }
  unexpected(err, 'unexpected error');
  return new Problem('internal-error', 'something went wrong on our side');
}
