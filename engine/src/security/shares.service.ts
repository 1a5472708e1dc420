import type { Knex } from 'knex';
import { badRequest, invalid, notFound, type FieldError } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { uuidv7 } from '../lib/ids.js';
import type { Caller, RequireRecord } from './caller.js';

/**
 * Manual sharing: one record shared with one user or one group, read or edit. Anyone who can see
 * the record sees its shares; adding or removing one needs full access to the record (owner,
 * above the owner in the role hierarchy, modifyAll).
 */

export interface Share {
  id: string;
  userId: string | null;
  group: string | null;
  access: 'read' | 'edit';
  createdBy: string | null;
  createdAt: string;
}

export class SharesService {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly compiled: () => CompiledMetadata,
    private readonly requireRecord: RequireRecord,
  ) {}

  private table(db: Knex | Knex.Transaction = this.knex) {
    return db(`${this.schema}._record_shares`);
  }

  async list(objectName: string, id: string, caller: Caller): Promise<Share[]> {
    const object = await this.requireRecord(objectName, id, caller);
    const rows = await this.table()
      .where({ object_id: object.def.id, record_id: id })
      .orderBy('created_at')
      .select('*');
    return rows.map(shape);
  }

  async add(objectName: string, id: string, input: unknown, caller: Caller): Promise<Share> {
    const object = await this.requireRecord(objectName, id, caller, 'full');
    const body = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    for (const key of Object.keys(body))
      if (!['userId', 'group', 'access'].includes(key))
        errors.push({ field: key, code: 'unknownField', message: `"${key}" is not a share property` });
    if (errors.length) throw badRequest('the body has properties shares do not have', errors);
    if ((body.userId === undefined) === (body.group === undefined))
      errors.push({ field: 'userId', code: 'oneOf', message: 'share with exactly one of userId or group' });
    if (body.access !== 'read' && body.access !== 'edit')
      errors.push({ field: 'access', code: 'enum', message: 'read or edit' });
    if (body.group !== undefined && !(this.compiled().snapshot.groups ?? []).some((g) => g.apiName === body.group))
      errors.push({ field: 'group', code: 'reference', message: 'the API name of a published group' });
    if (body.userId !== undefined) {
      const user =
        typeof body.userId === 'string' && /^[0-9a-f-]{36}$/i.test(body.userId)
          ? await this.knex(`${this.schema}._users`)
              .where({ id: body.userId, active: true })
              .first<{ id: string } | undefined>('id')
          : undefined;
      if (!user) errors.push({ field: 'userId', code: 'reference', message: 'the id of an active user' });
    }
    if (errors.length) throw invalid('the record was not shared', errors);
    const row = {
      id: uuidv7(),
      object_id: object.def.id,
      record_id: id,
      user_id: body.userId ?? null,
      group_name: body.group ?? null,
      access: body.access,
      created_by: caller.userId,
    };
    const [saved] = await this.table().insert(row).returning<Record<string, unknown>[]>('*');
    return shape(saved!);
  }

  async remove(objectName: string, id: string, shareId: string, caller: Caller): Promise<void> {
    const object = await this.requireRecord(objectName, id, caller, 'full');
    const n = /^[0-9a-f-]{36}$/i.test(shareId)
      ? await this.table().where({ id: shareId, object_id: object.def.id, record_id: id }).delete()
      : 0;
    if (!n) throw notFound(`share ${shareId} does not exist`);
  }
}

const shape = (r: Record<string, unknown>): Share => ({
  id: r.id as string,
  userId: (r.user_id as string | null) ?? null,
  group: (r.group_name as string | null) ?? null,
  access: r.access as 'read' | 'edit',
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: new Date(r.created_at as string).toISOString(),
});
