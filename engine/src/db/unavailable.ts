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

/**
 * What pg and knex say when a connection dies under them or none comes in time. Knex puts the
 * statement before a failed query's message (`select … - Connection terminated unexpectedly`), so
 * the message read is the part after the last " - ".
 */
const MESSAGES = [
  /^Connection terminated/,
  /^Connection ended unexpectedly/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Knex: Timeout acquiring a connection/,
];

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  // A server's error carries its SQLSTATE; its message may quote a value, so it is not read.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return false;
  if (typeof message === 'string') {
    const cut = message.lastIndexOf(' - ');
    const own = cut < 0 ? message : message.slice(cut + 3);
    if (MESSAGES.some((m) => m.test(own))) return true;
  }
  // Node tries each address of a host name and reports all their failures together.
  return Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable);
}
