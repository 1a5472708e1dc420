/**
 * Whether an error says the database cannot be reached right now, rather than that a statement
 * went wrong: the server is down, restarting or shutting down, the network dropped, or no
 * connection could be had in time. Such a request failed before it could change anything, or its
 * transaction died with the connection, so the API answers 503 (send it again shortly) instead of
 * a 500 that reads as a bug.
 */

/** Socket errors from connecting to, or talking with, the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * PostgreSQL's SQLSTATEs for a server going away: class 08 (connection exception) and 57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in recovery).
 */
const SQLSTATE = /^(08\d{3}|57P0[123])$/;

/** What pg and knex say when a connection dies under them or none comes in time. */
const MESSAGES = [
  /^Connection terminated/,
  /^Connection ended unexpectedly/,
  /^Client has encountered a connection error and is not queryable/,
  /^Knex: Timeout acquiring a connection/,
];

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  // Node tries each address of a host name and reports all their failures together.
  return Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable);
}
