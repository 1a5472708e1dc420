import type { ErrorRequestHandler, Response } from 'express';
import { Problem } from '../errors.js';
import { logUnexpected } from './request-log.js';

/**
 * Every error leaves as application/problem+json. Unexpected errors are logged and answered
 * with a bare 500: never SQL, stack traces or internal names.
 */
export function sendProblem(res: Response, p: Problem): void {
  if (p.status === 429 && typeof p.extra.retryAfter === 'number') res.set('Retry-After', String(p.extra.retryAfter));
  res
    .status(p.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://tessera.dev/problems/${p.status}`,
        title: p.title,
        status: p.status,
        detail: p.detail,
        errors: p.errors,
        ...p.extra,
      }),
    );
}

export const problemHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof Problem) return sendProblem(res, err);
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
    return sendProblem(
      res,
      new Problem(status, status === 413 ? 'Payload too large' : 'Bad request', detail, [
        { field: '/', code: type ?? 'body', message: detail },
      ]),
    );
  }
  logUnexpected(res, err);
  sendProblem(res, new Problem(500, 'Internal error', 'something went wrong on our side'));
};
