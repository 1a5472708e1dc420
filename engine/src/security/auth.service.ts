import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Knex } from 'knex';
import { invalid, loginFailed, notFound, sessionExpired, type FieldError } from '../errors.js';
import { LRUCache } from 'lru-cache';
import type { Freshness } from '../db/stamp.js';
import { LoginLimits, tooManyAttempts } from './login-limits.js';
import { runQuery } from '../db/prepared.js';
import { uuidv7 } from '../lib/ids.js';
import type { SessionCheck } from '../query/session-check.js';
import type { Principal } from './principal.js';

/**
 * Users and bearer sessions. Tokens are random 256-bit values; only their SHA-256 is stored, so a
 * leaked database does not leak live sessions. Every request looks its session up again, so a
 * deactivated user is locked out on the very next request.
 */

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

// Verifying against this keeps the response time of an unknown e-mail equal to a wrong password.
const DUMMY_HASH = hash('tessera-timing-equaliser');

/** The user row and groups a principal is made of; `??` is the schema of _group_members. */
const PRINCIPAL_COLUMNS = `u.id, u.email, u.name, u.is_admin, u.role, u.permission_sets, u.grants_stamp,
  array(select m.group_name from ??._group_members m where m.user_id = u.id order by 1) as groups`;

/** A row of PRINCIPAL_COLUMNS; grants_stamp is a bigint, which the driver hands over as text. */
interface PrincipalRow {
  id: string;
  email: string;
  name: string;
  is_admin: boolean;
  role: string | null;
  permission_sets: string[] | null;
  grants_stamp: string;
  groups: string[] | null;
}

/** What a password login reads of a _users row. */
interface LoginRow {
  id: string;
  email: string;
  name: string;
  is_admin: boolean;
  active: boolean;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
}

const toPrincipal = (row: PrincipalRow, via: Principal['via']): Principal => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.is_admin,
  role: row.role ?? null,
  permissionSets: row.permission_sets ?? [],
  groups: row.groups ?? [],
  via,
  grantsStamp: String(row.grants_stamp),
});

export class AuthService {
  private readonly limits: LoginLimits;
  /** Principals of recently seen tokens, by token hash: only ever a guess, checked by the statement that uses it. */
  private readonly recent = new LRUCache<string, Principal>({ max: 10_000 });

  /**
   * tokenPrefix names the tenant in its tokens ("acme."), so requests find the tenant that issued
   * them. `freshness` is the stamp the process compiled the tenant at (db/stamp.ts): every
   * session check compares it with the database's, and a full check brings the process up to date.
   */
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly sessionHours: number,
    private readonly tokenPrefix: string,
    private readonly freshness: Pick<Freshness, 'current' | 'saw'>,
  ) {
    this.limits = new LoginLimits(knex, schema);
  }

  get db(): Knex {
    return this.knex;
  }

  private users(db: Knex | Knex.Transaction = this.knex) {
    return db(`${this.schema}._users`);
  }

  async countUsers(): Promise<number> {
    const row = await this.users().count<{ n: string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async createUser(input: { email: string; name: string; password: string; isAdmin?: boolean }): Promise<SessionUser> {
    const id = uuidv7();
    const email = input.email.trim().toLowerCase();
    await this.users().insert({
      id,
      email,
      name: input.name,
      password_hash: await hash(input.password),
      is_admin: input.isAdmin ?? false,
    });
    return { id, email, name: input.name, isAdmin: input.isAdmin ?? false };
  }

  /**
   * Password login. Failed attempts are limited per account and per client address, in the
   * database, so every engine process honours them (login-limits.ts); both answer 429 with
   * Retry-After.
   */
  async login(
    email: unknown,
    password: unknown,
    ip = 'unknown',
  ): Promise<{
    token: string;
    expiresAt: string;
    user: { id: string; email: string; name: string; isAdmin: boolean };
  }> {
    await this.limits.checkAddress(ip);
    if (typeof email !== 'string' || typeof password !== 'string') throw loginFailed('e-mail or password is wrong');
    const address = email.trim().toLowerCase();
    const user = await this.users().where({ email: address }).first<LoginRow | undefined>();
    // An e-mail nobody has locks like an account does, so a 429 does not reveal which exist.
    const lockedUntil = user
      ? user.locked_until
        ? new Date(user.locked_until)
        : undefined
      : await this.limits.unknownLockedUntil(address);
    if (lockedUntil && lockedUntil > new Date())
      throw tooManyAttempts('this account is locked after repeated failed logins', lockedUntil);
    const ok = user ? await verify(user.password_hash, password) : (await verify(await DUMMY_HASH, password), false);
    if (!user || !ok || !user.active) {
      await this.limits.failedFrom(ip);
      await (user ? this.limits.failedAccount(user.id) : this.limits.failedUnknown(address));
      throw loginFailed('e-mail or password is wrong');
    }
    if (user.failed_logins > 0 || user.locked_until)
      await this.users().where({ id: user.id }).update({ failed_logins: 0, locked_until: null });
    const { token, expiresAt } = await this.issue(user.id, this.sessionHours * 3600_000);
    return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, isAdmin: user.is_admin } };
  }

  private async issue(
    userId: string,
    lifetimeMs: number,
    name?: string,
  ): Promise<{ id: string; token: string; expiresAt: string }> {
    const token = this.tokenPrefix + crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + lifetimeMs);
    const id = uuidv7();
    await this.knex(`${this.schema}._sessions`).insert({
      id,
      token_hash: sha256(token),
      user_id: userId,
      expires_at: expiresAt,
      name: name ?? null,
    });
    return { id, token, expiresAt: expiresAt.toISOString() };
  }

  /** A named API token for an integration, shown once; it lasts `days` (1 to 366, default 90). */
  async createToken(
    userId: string,
    input: { name?: unknown; days?: unknown },
  ): Promise<{ id: string; name: string; token: string; expiresAt: string }> {
    const errors: FieldError[] = [];
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 100)
      errors.push({ field: 'name', code: 'format', message: 'a name of 1 to 100 characters, such as "ERP sync"' });
    const days = input.days === undefined ? 90 : input.days;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 366)
      errors.push({ field: 'days', code: 'range', message: 'a whole number of days from 1 to 366' });
    if (errors.length) throw invalid('the token was not created', errors);
    const name = (input.name as string).trim();
    return { name, ...(await this.issue(userId, (days as number) * 86_400_000, name)) };
  }

  async listTokens(userId: string): Promise<{ id: string; name: string; createdAt: string; expiresAt: string }[]> {
    const rows = await this.knex(`${this.schema}._sessions`)
      .where({ user_id: userId })
      .whereNotNull('name')
      .orderBy('created_at')
      .select('id', 'name', 'created_at', 'expires_at');
    return rows.map((r: Record<string, string>) => ({
      id: r.id!,
      name: r.name!,
      createdAt: new Date(r.created_at!).toISOString(),
      expiresAt: new Date(r.expires_at!).toISOString(),
    }));
  }

  async revokeToken(userId: string, id: string): Promise<void> {
    const n = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.knex(`${this.schema}._sessions`).where({ user_id: userId, id }).whereNotNull('name').delete()
      : 0;
    if (!n) throw notFound(`token ${id} does not exist`);
  }

  private principalColumns(): Knex.Raw {
    return this.knex.raw(PRINCIPAL_COLUMNS, [this.schema]);
  }

  /**
   * The session's user with every grant, in one statement: the user row (role, permission sets,
   * active), their groups, and whether the token is a named API token. Nothing is cached, so a
   * revoked session, a deactivation or a removed grant counts from the very next request. The
   * tenant's stamp comes with it: a process behind the database (another one published) reloads
   * before the request goes on.
   */
  async authenticate(token: string): Promise<Principal> {
    const hash = sha256(token);
    const rows = await runQuery<PrincipalRow & { token_name: string | null; stamp: string }>(
      this.knex,
      `
      select ?, s.name as token_name, (select n from ??._stamp) as stamp
      from ??._sessions s join ??._users u on u.id = s.user_id
      where s.token_hash = ? and s.expires_at > now() and u.active`,
      [this.principalColumns(), this.schema, this.schema, this.schema, hash],
    );
    const row = rows[0];
    if (!row) {
      this.recent.delete(hash);
      throw sessionExpired('the token is missing, expired or revoked');
    }
    await this.freshness.saw(String(row.stamp));
    const principal = toPrincipal(row, row.token_name === null ? 'session' : 'token');
    this.recent.set(hash, principal);
    return principal;
  }

  /**
   * The principal this token had on its last request, if this process saw it — a guess — with
   * the session check (query/session-check.ts) that holds only while the token is a live session
   * of an active user whose grants are exactly those (_users.grants_stamp, kept by migration 008's
   * triggers). A statement built from the guess carries the check and answers it, so one
   * statement both checks the session and does the work: if anything changed — logout,
   * deactivation, a removed permission set, a new role — it does nothing and says so, and the
   * request is redone after a full session check.
   */
  recentSession(token: string): { principal: Principal; session: SessionCheck } | undefined {
    const tokenHash = sha256(token);
    const principal = this.recent.get(tokenHash);
    if (!principal) return undefined;
    const session = {
      schema: this.schema,
      tokenHash,
      userId: principal.id,
      grantsStamp: principal.grantsStamp!,
      named: principal.via === 'token',
      stamp: this.freshness.current,
    };
    return { principal, session };
  }

  /** A user's principal without a session (access explanations). Inactive users have no access at all. */
  async principalOf(userId: string): Promise<Principal | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return undefined;
    const { rows } = await this.knex.raw<{ rows: (PrincipalRow & { active: boolean })[] }>(
      'select ?, u.active from ??._users u where u.id = ?',
      [this.principalColumns(), this.schema, userId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const principal = toPrincipal(row, 'session');
    return row.active ? principal : { ...principal, isAdmin: false, permissionSets: [], groups: [] };
  }

  async logout(token: string): Promise<void> {
    await this.knex(`${this.schema}._sessions`)
      .where({ token_hash: sha256(token) })
      .delete();
  }
}

/** A password for the first admin when none is configured: printed once, never stored in clear. */
export const generatePassword = () => crypto.randomBytes(18).toString('base64url');
