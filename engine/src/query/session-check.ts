import type { SqlFragment } from '../fields/field-type.js';

/**
 * A presumed session, checked by the statement that does the work rather than by a query of its
 * own (security/auth.service.ts makes one from a token it has seen). The statement answers the
 * check as a column of its own, `session`: false means the session no longer holds exactly as
 * presumed (logout, deactivation, changed grants), or the process's metadata is older than the
 * database's, and the statement did nothing.
 */
export interface SessionCheck {
  /** The schema holding the tenant's sessions and migration 019's tsr_session_holds(). */
  schema: string;
  tokenHash: string;
  userId: string;
  /** _users.grants_stamp when the principal was read: any change of grants moves it. */
  grantsStamp: string;
  /** A named API token rather than a login session. */
  named: boolean;
  /**
   * The tenant's _stamp as this process last compiled it (db/stamp.ts): another process's
   * publish moves it, and the check then fails, so the request is redone on what is current.
   */
  stamp: string;
}

/**
 * `with _s as (…)`: the check as a one-row CTE. The statement reads `(select ok from _s)`, which
 * Postgres evaluates once (an InitPlan) and uses as a one-time filter; tsr_session_holds() is a
 * plpgsql function, so its own query keeps its plan per connection.
 */
export function sessionCte(check: SessionCheck): SqlFragment {
  // The function's fourth argument is true for a login session (no token name).
  return {
    sql: 'select ??.tsr_session_holds(?, ?::uuid, ?::bigint, ?, ?::bigint) as ok',
    bindings: [check.schema, check.tokenHash, check.userId, check.grantsStamp, !check.named, check.stamp],
  };
}

/** The condition and the column that read the CTE. */
export const SESSION_HOLDS = '(select ok from _s)';
/** The statement's answer column: whether the session held. */
export const SESSION_COLUMN = `${SESSION_HOLDS} as session`;
