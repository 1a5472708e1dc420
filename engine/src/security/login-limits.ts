import type { Knex } from 'knex';
import { Problem } from '../errors.js';

/**
 * Failed logins, limited in the database so that every engine process behind a load balancer
 * counts the same attempts: an attacker spreading guesses over processes gains nothing.
 * - per account: LOCK_AFTER failures lock it for LOCK_MINUTES (_users.failed_logins, locked_until);
 * - per e-mail nobody has: the same counter and lock in _login_unknown, so a 429 does not reveal
 *   which accounts exist;
 * - per client address: IP_LIMIT failures in a sliding window (_login_attempts).
 * Old rows are deleted by the failures that come after them.
 */

export const LOCK_AFTER = 5;
export const LOCK_MINUTES = 15;
const IP_LIMIT = 20;
const IP_WINDOW_MINUTES = 15;

export const tooManyAttempts = (detail: string, until: Date) =>
  new Problem(
    'rate-limited',
    detail,
    [{ field: 'email', code: 'locked', message: `try again after ${until.toISOString()}` }],
    { retryAfter: Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)) },
  );

export class LoginLimits {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
  ) {}

  /** 429 when the address has failed IP_LIMIT times within the window. */
  async checkAddress(address: string): Promise<void> {
    const { rows } = await this.knex.raw<{ rows: { n: number; oldest: Date | null }[] }>(
      `select count(*)::int as n, min(at) as oldest from ??._login_attempts
       where address = ? and at > now() - make_interval(mins => ?)`,
      [this.schema, address, IP_WINDOW_MINUTES],
    );
    const { n, oldest } = rows[0]!;
    if (n >= IP_LIMIT && oldest)
      throw tooManyAttempts(
        'too many failed logins from this address',
        new Date(new Date(oldest).getTime() + IP_WINDOW_MINUTES * 60_000),
      );
  }

  async failedFrom(address: string): Promise<void> {
    await this.knex.raw('delete from ??._login_attempts where at < now() - make_interval(mins => ?)', [
      this.schema,
      IP_WINDOW_MINUTES,
    ]);
    await this.knex.raw('insert into ??._login_attempts (address) values (?)', [this.schema, address]);
  }

  /** Until when an e-mail nobody has is locked, as an account would be. */
  async unknownLockedUntil(email: string): Promise<Date | undefined> {
    const row = await this.knex(`${this.schema}._login_unknown`)
      .where({ email })
      .first<{ locked_until: Date | null } | undefined>('locked_until');
    return row?.locked_until ? new Date(row.locked_until) : undefined;
  }

  /** Counts a failure for an e-mail nobody has, exactly as _users counts an account's. */
  async failedUnknown(email: string): Promise<void> {
    await this.knex.raw(
      `delete from ??._login_unknown where updated_at < now() - interval '1 day'
         and (locked_until is null or locked_until < now())`,
      [this.schema],
    );
    await this.knex.raw(
      `insert into ??._login_unknown as l (email, failures, locked_until) values (?, 1, null)
       on conflict (email) do update set
         failures = case when l.locked_until < now() then 1
                         when l.failures + 1 >= ? then 0 else l.failures + 1 end,
         locked_until = case when l.locked_until < now() then null
                              when l.failures + 1 >= ? then now() + make_interval(mins => ?) else l.locked_until end,
         updated_at = now()`,
      [this.schema, email, LOCK_AFTER, LOCK_AFTER, LOCK_MINUTES],
    );
  }

  /** Counts a failure against an account: LOCK_AFTER in a row lock it. */
  async failedAccount(userId: string): Promise<void> {
    await this.knex.raw(
      `update ??._users set failed_logins = case when failed_logins + 1 >= ? then 0 else failed_logins + 1 end,
         locked_until = case when failed_logins + 1 >= ? then now() + make_interval(mins => ?) else locked_until end
       where id = ?`,
      [this.schema, LOCK_AFTER, LOCK_AFTER, LOCK_MINUTES, userId],
    );
  }
}
