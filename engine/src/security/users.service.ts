import { hash, verify } from '@node-rs/argon2';
import type { Knex } from 'knex';
import { badRequest, conflict, invalid, notFound, Problem, type FieldError } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { uuidv7 } from '../lib/ids.js';
import { forbidden, type Access } from './access.js';
import { grantsBeyond } from './grant-check.js';
import { roleFieldAccess, type RoleFieldAccess } from './role-field-access.js';
import type { SetupAudit } from './setup-audit.js';

/**
 * Users and their grants (role, permission sets, groups). Managing users needs manageUsers; a
 * manager can give only permission sets whose every grant they hold themselves, and nobody
 * changes their own grants. Deactivating a user or changing their password ends their sessions;
 * every other change counts from their next request anyway (grants are read per request).
 */

export interface UserInput {
  email?: unknown;
  password?: unknown;
  currentPassword?: unknown;
  name?: unknown;
  role?: unknown;
  permissionSets?: unknown;
  groups?: unknown;
  active?: unknown;
  isAdmin?: unknown;
}

const KEYS = new Set([
  'email',
  'password',
  'currentPassword',
  'name',
  'role',
  'permissionSets',
  'groups',
  'active',
  'isAdmin',
]);
const GRANT_KEYS = ['role', 'permissionSets', 'groups', 'active', 'isAdmin'] as const;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const MIN_PASSWORD = 10;
type Row = Record<string, unknown>;

export class UsersService {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly compiled: () => CompiledMetadata,
    private readonly audit: SetupAudit,
  ) {}

  private users(db: Knex | Knex.Transaction = this.knex) {
    return db(`${this.schema}._users`);
  }

  /** Everyone signed in may look users up (owner pickers); grants only with manageUsers or for oneself. */
  async list(access: Access, query: { q?: unknown; limit?: unknown }): Promise<Row[]> {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw badRequest('limit must be 1 to 500', [{ field: 'limit', code: 'range', message: '1 to 500' }]);
    const qb = this.users().orderBy('name').limit(limit).select('*');
    if (typeof query.q === 'string' && query.q !== '') {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.where((w) => {
        w.whereILike('name', like).orWhereILike('email', like);
      });
    }
    const rows = await qb;
    const groups = await this.groupsOf(rows.map((r: Row) => r.id as string));
    return rows.map((r: Row) => this.shape(r, groups.get(r.id as string) ?? [], access));
  }

  /** What a role's users may do with an object's fields (role-field-access.ts), for the studio's preview. */
  roleFieldAccess(role: unknown, object: unknown, draftFields: readonly string[]): Promise<RoleFieldAccess> {
    return roleFieldAccess(this.knex, this.schema, this.compiled(), role, object, draftFields);
  }

  async get(id: string, access: Access): Promise<Row> {
    const row = await this.find(this.knex, id);
    return this.shape(row, (await this.groupsOf([id])).get(id) ?? [], access);
  }

  async create(input: unknown, access: Access): Promise<Row> {
    // Before the body is read, as in update.
    access.requireSystem('manageUsers');
    const body = this.parse(input, 'create');
    const errors: FieldError[] = [];
    for (const key of ['email', 'password', 'name'] as const)
      if (body[key] === undefined) errors.push({ field: key, code: 'required', message: `${key} is required` });
    if (errors.length) throw invalid('the user was not created', errors);
    this.checkGrants(body, access);
    const id = uuidv7();
    return this.knex.transaction(async (trx) => {
      if (await this.users(trx).where({ email: body.email }).first('id'))
        throw conflict('a user with this e-mail exists', [{ field: 'email', code: 'unique', message: 'already used' }]);
      await this.users(trx).insert({
        id,
        email: body.email,
        name: body.name,
        password_hash: await hash(body.password as string),
        is_admin: body.isAdmin ?? false,
        active: body.active ?? true,
        role: body.role ?? null,
        permission_sets: body.permissionSets ?? [],
      });
      await this.setGroups(trx, id, body.groups ?? []);
      await this.audit.record(trx, access.userId, 'user.create', id, withoutSecrets(body));
      return this.shape(await this.find(trx, id), body.groups ?? [], access);
    });
  }

  async update(id: string, input: unknown, access: Access): Promise<Row> {
    // Who may make the change is decided before the body is read: a caller without the right gets
    // the same 403 whichever roles, permission sets or groups it names (existing or not).
    const self = id === access.userId;
    if (!self) access.requireSystem('manageUsers');
    const ownGrant = isRecord(input) ? GRANT_KEYS.find((k) => input[k] !== undefined) : undefined;
    if (self && ownGrant)
      throw forbidden(
        'nobody changes their own role, permission sets, groups or status',
        ownGrant,
        'ownGrants',
        'ask another user manager',
      );
    const body = this.parse(input, 'update');
    this.checkGrants(body, access);
    return this.knex.transaction(async (trx) => {
      const current = await this.find(trx, id, true);
      if (current.is_admin && !access.isAdmin)
        throw forbidden('only an admin changes an admin', 'id', 'adminTarget', 'ask an admin');
      if (!self) this.checkTarget(current, (await this.groupsOf([id], trx)).get(id) ?? [], access);
      if (self && body.password !== undefined) {
        const ok =
          typeof body.currentPassword === 'string' &&
          (await verify(current.password_hash as string, body.currentPassword));
        if (!ok)
          throw invalid('the password was not changed', [
            { field: 'currentPassword', code: 'mismatch', message: 'give your current password to set a new one' },
          ]);
      }
      if (
        body.email !== undefined &&
        body.email !== current.email &&
        (await this.users(trx).where({ email: body.email }).first('id'))
      ) {
        throw conflict('a user with this e-mail exists', [{ field: 'email', code: 'unique', message: 'already used' }]);
      }
      const patch: Row = { updated_at: trx.fn.now() };
      if (body.email !== undefined) patch.email = body.email;
      if (body.name !== undefined) patch.name = body.name;
      if (body.role !== undefined) patch.role = body.role;
      if (body.permissionSets !== undefined) patch.permission_sets = body.permissionSets;
      if (body.active !== undefined) patch.active = body.active;
      if (body.isAdmin !== undefined) patch.is_admin = body.isAdmin;
      if (body.password !== undefined) patch.password_hash = await hash(body.password);
      await this.users(trx).where({ id }).update(patch);
      if (body.groups !== undefined) await this.setGroups(trx, id, body.groups);
      // A new password or a deactivation ends every session the user has, API tokens included.
      if (body.password !== undefined || body.active === false)
        await trx(`${this.schema}._sessions`).where({ user_id: id }).delete();
      await this.audit.record(trx, access.userId, 'user.update', id, withoutSecrets(body));
      return this.shape(await this.find(trx, id), (await this.groupsOf([id], trx)).get(id) ?? [], access);
    });
  }

  private async find(db: Knex | Knex.Transaction, id: string, lock = false): Promise<Row> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound(`user ${id} does not exist`);
    const qb = this.users(db).where({ id }).first<Row | undefined>('*');
    if (lock) qb.forUpdate();
    const row = await qb;
    if (!row) throw notFound(`user ${id} does not exist`);
    return row;
  }

  private async groupsOf(ids: string[], db: Knex | Knex.Transaction = this.knex): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!ids.length) return out;
    const rows = await db(`${this.schema}._group_members`)
      .whereIn('user_id', ids)
      .orderBy('group_name')
      .select<{ user_id: string; group_name: string }[]>('user_id', 'group_name');
    for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.group_name]);
    return out;
  }

  private async setGroups(trx: Knex.Transaction, id: string, groups: string[]): Promise<void> {
    await trx(`${this.schema}._group_members`).where({ user_id: id }).delete();
    if (groups.length)
      await trx(`${this.schema}._group_members`).insert(groups.map((g) => ({ group_name: g, user_id: id })));
  }

  private shape(row: Row, groups: string[], access: Access): Row {
    const base = { id: row.id, email: row.email, name: row.name, active: row.active };
    if (!access.hasSystem('manageUsers') && row.id !== access.userId) return base;
    return {
      ...base,
      isAdmin: row.is_admin,
      role: row.role ?? null,
      permissionSets: row.permission_sets ?? [],
      groups,
      createdAt: new Date(row.created_at as string).toISOString(),
      updatedAt: new Date(row.updated_at as string).toISOString(),
    };
  }

  /** Shape and types of a body; unknown keys (password_hash, is_admin …) are refused, not ignored. */
  private parse(input: unknown, mode: 'create' | 'update') {
    if (!isRecord(input))
      throw badRequest('the body must be a JSON object', [{ field: '/', code: 'type', message: 'expected an object' }]);
    const body = input as UserInput;
    const errors: FieldError[] = [];
    for (const key of Object.keys(body))
      if (!KEYS.has(key)) errors.push({ field: key, code: 'unknownField', message: `"${key}" is not a user property` });
    const str = (key: keyof UserInput, ok: (v: string) => boolean, message: string) => {
      const v = body[key];
      if (v !== undefined && (typeof v !== 'string' || !ok(v))) errors.push({ field: key, code: 'format', message });
    };
    str('email', (v) => EMAIL.test(v.trim()), 'a valid e-mail address');
    str('password', (v) => v.length >= MIN_PASSWORD && v.length <= 200, `${MIN_PASSWORD} to 200 characters`);
    str('name', (v) => v.trim().length > 0 && v.length <= 200, '1 to 200 characters');
    if (body.role !== null)
      str(
        'role',
        (v) => this.compiled().snapshot.roles?.some((r) => r.apiName === v) ?? false,
        'the API name of a published role, or null',
      );
    for (const key of ['permissionSets', 'groups'] as const) {
      const v = body[key];
      const known =
        key === 'permissionSets' ? this.compiled().snapshot.permissionSets : this.compiled().snapshot.groups;
      if (
        v !== undefined &&
        (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !known?.some((k) => k.apiName === x)))
      ) {
        errors.push({
          field: key,
          code: 'reference',
          message: `a list of published ${key === 'groups' ? 'group' : 'permission set'} API names`,
        });
      }
    }
    for (const key of ['active', 'isAdmin'] as const)
      if (body[key] !== undefined && typeof body[key] !== 'boolean')
        errors.push({ field: key, code: 'type', message: 'true or false' });
    if (mode === 'create' && body.currentPassword !== undefined)
      errors.push({ field: 'currentPassword', code: 'unknownField', message: 'only for changing your own password' });
    if (errors.length)
      throw errors.some((e) => e.code === 'unknownField')
        ? badRequest('the body has properties users do not have', errors)
        : invalid('the user was not saved', errors);
    return {
      email: typeof body.email === 'string' ? body.email.trim().toLowerCase() : undefined,
      password: body.password as string | undefined,
      currentPassword: body.currentPassword,
      name: typeof body.name === 'string' ? body.name.trim() : undefined,
      role: body.role as string | null | undefined,
      permissionSets: body.permissionSets as string[] | undefined,
      groups: body.groups as string[] | undefined,
      active: body.active as boolean | undefined,
      isAdmin: body.isAdmin as boolean | undefined,
    };
  }

  /** A manager grants only what they hold; admin status only an admin; roles only below their own. */
  private checkGrants(body: ReturnType<UsersService['parse']>, access: Access): void {
    if (access.isAdmin) return;
    if (body.isAdmin !== undefined)
      throw forbidden('only an admin makes or unmakes admins', 'isAdmin', 'adminOnly', 'ask an admin');
    const compiled = this.compiled();
    const errors: FieldError[] = [];
    for (const name of body.permissionSets ?? []) {
      const set = compiled.snapshot.permissionSets!.find((s) => s.apiName === name)!;
      errors.push(...grantsBeyond(access, set, compiled, `permissionSets/${name}`));
    }
    if (body.role != null && !access.subordinateRoles().includes(body.role)) {
      errors.push({ field: 'role', code: 'grantBeyondOwn', message: 'you can give only roles below your own' });
    }
    // Groups receive shares and sharing rules: membership is a grant like any other.
    if (body.groups?.some((g) => !access.principal.groups.includes(g))) {
      errors.push({
        field: 'groups',
        code: 'grantBeyondOwn',
        message: 'you can add users only to groups you belong to',
      });
    }
    if (errors.length) throw new Problem('forbidden', 'you cannot grant more than you hold; nothing was saved', errors);
  }

  /**
   * A user manager who is not an admin changes only users whose grants they could have given:
   * setting the password or e-mail of a user who holds more would let them sign in as that user.
   */
  private checkTarget(target: Row, groups: string[], access: Access): void {
    if (access.isAdmin) return;
    const compiled = this.compiled();
    const sets = (compiled.snapshot.permissionSets ?? []).filter((s) =>
      ((target.permission_sets as string[]) ?? []).includes(s.apiName),
    );
    const beyond =
      sets.some((set) => grantsBeyond(access, set, compiled).length > 0) ||
      (target.role != null && !access.subordinateRoles().includes(target.role as string)) ||
      groups.some((g) => !access.principal.groups.includes(g));
    if (beyond)
      throw forbidden(
        'this user holds grants you do not; only someone who holds them (or an admin) changes this user',
        'id',
        'grantBeyondOwn',
        'ask an admin',
      );
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const withoutSecrets = (body: Record<string, unknown>) => {
  const { password, currentPassword: _c, ...rest } = body;
  return { ...rest, ...(password !== undefined ? { password: 'changed' } : {}) };
};
