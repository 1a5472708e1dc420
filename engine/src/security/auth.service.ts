import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Knex } from 'knex';
import { unauthorized } from '../errors.js';
import { uuidv7 } from '../metadata/ids.js';
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

export class AuthService {
  constructor(private readonly knex: Knex, private readonly schema: string, private readonly sessionHours: number) {}

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
    await this.users().insert({ id, email, name: input.name, password_hash: await hash(input.password), is_admin: input.isAdmin ?? false });
    return { id, email, name: input.name, isAdmin: input.isAdmin ?? false };
  }

  async login(email: unknown, password: unknown): Promise<{ token: string; expiresAt: string; user: SessionUser }> {
    if (typeof email !== 'string' || typeof password !== 'string') throw unauthorized('e-mail or password is wrong');
    const user = await this.users().where({ email: email.trim().toLowerCase() }).first();
    const ok = user ? await verify(user.password_hash, password) : (await verify(await DUMMY_HASH, password), false);
    if (!user || !ok || !user.active) throw unauthorized('e-mail or password is wrong');
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionHours * 3600_000);
    await this.knex(`${this.schema}._sessions`).insert({ token_hash: sha256(token), user_id: user.id, expires_at: expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email, name: user.name, isAdmin: user.is_admin } };
  }

  /**
   * The session's user with every grant, in one statement: the user row (role, permission sets,
   * active), their groups, and whether the token is a named API token. Nothing is cached, so a
   * revoked session, a deactivation or a removed grant counts from the very next request.
   */
  async authenticate(token: string): Promise<Principal> {
    const { rows } = await this.knex.raw(`
      select u.id, u.email, u.name, u.is_admin, u.role, u.permission_sets, s.name as token_name,
             array(select m.group_name from ??._group_members m where m.user_id = u.id order by 1) as groups
      from ??._sessions s join ??._users u on u.id = s.user_id
      where s.token_hash = ? and s.expires_at > now() and u.active`, [this.schema, this.schema, this.schema, sha256(token)]);
    const row = rows[0];
    if (!row) throw unauthorized('the token is missing, expired or revoked');
    return {
      id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin, role: row.role ?? null,
      permissionSets: row.permission_sets ?? [], groups: row.groups ?? [], via: row.token_name === null ? 'session' : 'token',
    };
  }

  async logout(token: string): Promise<void> {
    await this.knex(`${this.schema}._sessions`).where({ token_hash: sha256(token) }).delete();
  }
}

/** A password for the first admin when none is configured: printed once, never stored in clear. */
export const generatePassword = () => crypto.randomBytes(18).toString('base64url');
