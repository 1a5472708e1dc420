import type { Knex } from 'knex';

/**
 * The setup audit trail: every metadata, permission and user change, who made it and when.
 * Append-only: the API reads it (GET /api/v1/setup-audit) and offers no way to change it.
 */

export interface AuditEntry {
  seq: number;
  at: string;
  userId: string | null;
  userName: string | null;
  action: string;
  target: string;
  detail: unknown;
}

export class SetupAudit {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
  ) {}

  async record(
    db: Knex | Knex.Transaction,
    userId: string | null,
    action: string,
    target: string,
    detail?: unknown,
  ): Promise<void> {
    await db(`${this.schema}._setup_audit`).insert({
      user_id: userId,
      action,
      target,
      detail: detail === undefined ? null : JSON.stringify(detail),
    });
  }

  /** An entry on its own, after the change it records has been made. */
  note(userId: string | null, action: string, target: string, detail?: unknown): Promise<void> {
    return this.record(this.knex, userId, action, target, detail);
  }

  /** Newest first; `before` pages back by sequence number. */
  async list(limit = 100, before?: number): Promise<AuditEntry[]> {
    const qb = this.knex(`${this.schema}._setup_audit as a`)
      .leftJoin(`${this.schema}._users as u`, 'u.id', 'a.user_id')
      .orderBy('a.seq', 'desc')
      .limit(limit)
      .select('a.seq', 'a.at', 'a.user_id', 'u.name as user_name', 'a.action', 'a.target', 'a.detail');
    if (before !== undefined) qb.where('a.seq', '<', before);
    const rows = await qb;
    return rows.map((r: Record<string, unknown>) => ({
      seq: Number(r.seq),
      at: new Date(r.at as string).toISOString(),
      userId: (r.user_id as string | null) ?? null,
      userName: (r.user_name as string | null) ?? null,
      action: r.action as string,
      target: r.target as string,
      detail: r.detail ?? null,
    }));
  }
}
