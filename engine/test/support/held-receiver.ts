import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver on a loopback port that holds the first delivery open — the test kills the
 * engine sending it meanwhile — and answers every later one 200: what a crash drill needs to see
 * a delivery sent again after its sender died, with the same webhook-id.
 */
export interface HeldReceiver {
  port: number;
  url: string;
  /** Every delivery so far: its webhook-id and body. */
  got: { id: string; body: string }[];
  /** Resolves when the first delivery has arrived (and is being held). */
  first: Promise<void>;
  close(): Promise<void>;
}

export async function heldReceiver(): Promise<HeldReceiver> {
  const got: HeldReceiver['got'] = [];
  let arrived!: () => void;
  const first = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ id: String(req.headers['webhook-id']), body });
      if (got.length === 1) return arrived();
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    got,
    first,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
