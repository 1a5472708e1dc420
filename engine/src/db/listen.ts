import pg from 'pg';
import type { Logger } from '../lib/log.js';

/**
 * LISTEN on a channel of an external PostgreSQL with a connection of its own (embedded PGlite has
 * one connection, which a LISTEN would hold forever: there, callers poll). A lost connection is
 * opened again after a pause; notifications missed meanwhile are what the callers' polling is for.
 */
export function listen(url: string, channel: string, onNotify: () => void, logger: Logger): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', () => onNotify());
    c.on('error', (e) => {
      logger.warn({ err: e }, `lost the LISTEN connection for ${channel}; polling until it is back`);
      void c.end().catch(() => undefined);
      if (client === c) client = undefined;
      if (!closed) retry = setTimeout(() => void open(), 1_000).unref();
    });
    try {
      await c.connect();
      await c.query(`listen ${pg.escapeIdentifier(channel)}`);
      if (closed) await c.end();
      else client = c;
    } catch (e) {
      logger.warn({ err: e }, `could not LISTEN for ${channel}; polling`);
      void c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void open(), 5_000).unref();
    }
  };
  void open();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
