import type { Knex } from 'knex';

/**
 * One truth for every engine process. What a process compiles from the database — the current
 * release's metadata, the corporate currency — is good until the tenant's `_stamp` moves; a change
 * moves it in its own transaction and tells the other processes at commit (NOTIFY on
 * STAMP_CHANNEL with the schema). A notification can be missed (the LISTEN connection drops), so
 * each request's session check also compares the stamp the process compiled with the database's
 * (query/session-check.ts, security/auth.service.ts): a process that is behind catches up before
 * it answers.
 */

export const STAMP_CHANNEL = 'tessera_stamp';

/** Moves the tenant's stamp; in the transaction of the change, so the two commit together. */
export async function bumpStamp(trx: Knex.Transaction, schema: string): Promise<void> {
  await trx.raw('update ??._stamp set n = n + 1', [schema]);
  await trx.raw('select pg_notify(?, ?)', [STAMP_CHANNEL, schema]);
}

/** The tenant's stamp as the database has it now. */
export async function readStamp(db: Knex | Knex.Transaction, schema: string): Promise<string> {
  const { rows } = await db.raw<{ rows: { n: string }[] }>('select n from ??._stamp', [schema]);
  return String(rows[0]!.n);
}

/**
 * The stamp a process compiled its copy at, and the reload that brings the copy up to date.
 * Reloads asked for while one runs share it.
 */
export class Freshness {
  private known = '0';
  private reloading?: Promise<void>;

  constructor(
    private readonly read: () => Promise<string>,
    private readonly reload: () => Promise<void>,
  ) {}

  /** The stamp this process's copy was compiled at. */
  get current(): string {
    return this.known;
  }

  /**
   * A stamp a statement read: the copy is reloaded first when the database has moved on. Twice at
   * most: a reload already under way may have read the stamp before this one.
   */
  async saw(stamp: string): Promise<void> {
    for (let i = 0; i < 2 && BigInt(stamp) > BigInt(this.known); i++) await this.refresh();
  }

  /**
   * Reads the stamp, then reloads: a change committed in between leaves the copy newer than the
   * stamp it records, so the next check reloads once more, never the other way round.
   */
  refresh(): Promise<void> {
    this.reloading ??= (async () => {
      const stamp = await this.read();
      await this.reload();
      this.known = stamp;
    })().finally(() => (this.reloading = undefined));
    return this.reloading;
  }
}
