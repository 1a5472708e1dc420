import pg from 'pg';
import type { Logger } from '../lib/log.js';

/**
 * LISTEN on a channel of an external PostgreSQL with a connection of its own (embedded PGlite has
 * one connection, which a LISTEN would hold forever: there, callers poll). A lost connection is
 * opened again after a pause; notifications missed meanwhile are what the callers' polling is for,
 * or `onListening`, called each time the LISTEN is (again) in place.
 */
export function listen(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  logger: Logger,
  onListening: () => void = () => undefined,
): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => onNotify(n.payload ?? ''));
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
      else {
        client = c;
        onListening();
      }
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
