import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL 15 cluster of a test's own, in a temp folder on a free loopback port, for drills
 * that stop and start the server: never the shared one on 5432, which other tests are using.
 * initdb and pg_ctl refuse to run as root, so they run as the `postgres` user (CI runs as root).
 */

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface OwnPostgres {
  url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are ended (57P01), the server is gone until `start`. */
  stop(): Promise<void>;
  destroy(): void;
}

const runuser = (command: string, args: string[]) => ['-u', 'postgres', '--', path.join(BIN, command), ...args];
const asPostgres = (command: string, args: string[]) =>
  execFileSync('runuser', runuser(command, args), { stdio: 'pipe' });
/** Without blocking the test's event loop, which is sending requests meanwhile. */
const asPostgresAsync = async (command: string, args: string[]) =>
  void (await promisify(execFile)('runuser', runuser(command, args)));

export async function ownPostgres(port: number): Promise<OwnPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pg-'));
  const data = path.join(root, 'data');
  const sockets = path.join(root, 'sockets');
  fs.mkdirSync(sockets);
  execFileSync('chown', ['-R', 'postgres', root]);
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${sockets} -c fsync=off`;
  const cluster: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => asPostgresAsync('pg_ctl', ['-D', data, '-l', path.join(root, 'log'), '-w', '-o', options, 'start']),
    stop: () => asPostgresAsync('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    destroy() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
