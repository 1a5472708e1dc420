import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';

/**
 * The webhook_latency workload's receiver: an HTTP server on 127.0.0.1 (port 0) in a child
 * process of its own. Not in the bench process, where the engine runs: there a delivery's arrival
 * would be noticed only when the engine's event loop got to it, behind the creates and runs it is
 * busy with, and the receiver's work would count as the engine's. Not in the load generator
 * either, whose timers and answers would delay the arrival stamps. Here the process does nothing
 * but take deliveries: it stamps each when its headers are in, answers 204 at once, and only then
 * parses the body; the signatures are checked when the parent takes the deliveries, after they
 * arrived, with the `standardwebhooks` library a receiver would use.
 */

/** One POST as it arrived. Times are wall-clock milliseconds (performance.timeOrigin + now), with fractions. */
export interface Delivery {
  webhookId: string;
  arrivedAt: number;
  /** The body's `type`, `timestamp` (the run's creation, ISO), `data.id` and `data.record.created_at` (PostgreSQL's to_jsonb text). */
  type?: string;
  runCreatedAt?: string;
  recordId?: string;
  recordCreatedAt?: string;
  /** Set when the request was not a JSON POST to /hook with a webhook-id: what was wrong. */
  malformed?: string;
}

export interface Taken {
  deliveries: Delivery[];
  /** Signatures checked with `new Webhook(secret).verify(body, headers)`: the first few and every 25th after. */
  verified: number;
  refused: number;
  firstRefusal?: string;
  /** Whether the library refused one sample with a byte of its body changed: the check can fail. */
  tamperRefused?: boolean;
}

export interface Clock {
  /** PostgreSQL's clock minus the receiver's, in ms, from the query with the shortest round trip. */
  offsetMs: number;
  /** Half that round trip: the offset is known to within this. */
  uncertaintyMs: number;
}

type ReceiverMessage = { kind: 'listen'; databaseUrl: string } | { kind: 'take'; secret: string };
type ReceiverReply = { ok: true; result: unknown } | { ok: false; error: string };

const SAMPLE_FIRST = 5;
const SAMPLE_EVERY = 25;
const CLOCK_SAMPLES = 20;

const wallMs = () => performance.timeOrigin + performance.now();

/** The parent's handle on the receiver process. */
export class WebhookReceiver {
  private constructor(private readonly child: ChildProcess) {}

  static start(): WebhookReceiver {
    // The child inherits tsx's loader flags from process.execArgv.
    const child = fork(fileURLToPath(import.meta.url), ['--webhook-receiver'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new WebhookReceiver(child);
  }

  /** Starts the server; its port, and how the receiver's clock stands against PostgreSQL's. */
  listen(databaseUrl: string): Promise<{ port: number; clock: Clock }> {
    return this.ask({ kind: 'listen', databaseUrl }) as Promise<{ port: number; clock: Clock }>;
  }

  /** The deliveries since the last take, their samples' signatures checked with `secret`. */
  take(secret: string): Promise<Taken> {
    return this.ask({ kind: 'take', secret }) as Promise<Taken>;
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private ask(message: ReceiverMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`webhook receiver exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply) => {
        this.child.off('exit', onExit);
        const r = reply as ReceiverReply;
        if (r.ok) resolve(r.result);
        else reject(new Error(r.error));
      });
      this.child.send(message);
    });
  }
}

/** The receiver process's state: deliveries since the last take, and the bodies kept to verify. */
let deliveries: Delivery[] = [];
let samples: { body: string; headers: Record<string, string> }[] = [];
let received = 0;

function receive(req: http.IncomingMessage, res: http.ServerResponse) {
  const arrivedAt = wallMs();
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    // Answer first: the engine's run waits for this, and nothing below is the engine's time.
    res.writeHead(req.method === 'POST' && req.url === '/hook' ? 204 : 404).end();
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : '';
    };
    const delivery: Delivery = { webhookId: header('webhook-id'), arrivedAt };
    const n = received++;
    try {
      if (req.method !== 'POST' || req.url !== '/hook') throw new Error(`${req.method} ${req.url}`);
      if (!delivery.webhookId) throw new Error('no webhook-id header');
      const message = JSON.parse(body);
      delivery.type = message.type;
      delivery.runCreatedAt = message.timestamp;
      delivery.recordId = message.data?.id;
      delivery.recordCreatedAt = message.data?.record?.created_at;
    } catch (e) {
      delivery.malformed = e instanceof Error ? e.message : String(e);
    }
    deliveries.push(delivery);
    if (n < SAMPLE_FIRST || n % SAMPLE_EVERY === 0) {
      const headers = {
        'webhook-id': delivery.webhookId,
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      };
      samples.push({ body, headers });
    }
  });
}

function take(secret: string): Taken {
  const hook = new Webhook(secret);
  let verified = 0;
  let refused = 0;
  let firstRefusal: string | undefined;
  for (const { body, headers } of samples) {
    try {
      hook.verify(body, headers);
      verified++;
    } catch (e) {
      refused++;
      firstRefusal ??= `${headers['webhook-id']}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  let tamperRefused: boolean | undefined;
  const [first] = samples;
  if (first) {
    try {
      hook.verify(first.body.replace('"data"', '"Data"'), first.headers);
      tamperRefused = false;
    } catch {
      tamperRefused = true;
    }
  }
  const taken: Taken = { deliveries, verified, refused, firstRefusal, tamperRefused };
  deliveries = [];
  samples = [];
  return taken;
}

/** PostgreSQL's clock against this process's, from the sample with the shortest round trip. */
async function measureClock(databaseUrl: string): Promise<Clock> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    let best: Clock | undefined;
    for (let i = 0; i < CLOCK_SAMPLES; i++) {
      const t0 = wallMs();
      const { rows } = await db.query(`select extract(epoch from clock_timestamp())::float8 * 1000 as t`);
      const t1 = wallMs();
      const clock = { offsetMs: (rows[0].t as number) - (t0 + t1) / 2, uncertaintyMs: (t1 - t0) / 2 };
      if (!best || clock.uncertaintyMs < best.uncertaintyMs) best = clock;
    }
    return best!;
  } finally {
    await db.end();
  }
}

if (process.argv.includes('--webhook-receiver') && process.send) {
  const server = http.createServer(receive);
  const reply = (work: () => unknown) =>
    void Promise.resolve()
      .then(work)
      .then(
        (result) => process.send!({ ok: true, result } satisfies ReceiverReply),
        (e: unknown) =>
          process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies ReceiverReply),
      );
  process.on('message', (message) => {
    const m = message as ReceiverMessage;
    if (m.kind === 'listen')
      reply(async () => {
        const clock = await measureClock(m.databaseUrl);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve());
        });
        return { port: (server.address() as { port: number }).port, clock };
      });
    else reply(() => take(m.secret));
  });
  process.on('disconnect', () => process.exit(0));
}
