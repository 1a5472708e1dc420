import type { Knex } from 'knex';
import { PgBoss, fromKnex, type JobResult, type JobWithMetadata } from 'pg-boss';
import type { Database } from '../db/connect.js';
import { increasingUuidv7 } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';

/**
 * The durable job queue under workflow runs: pg-boss, in the database itself (its own schema,
 * `<default schema>_jobs`), so a run's job is created in the transaction that creates the run.
 * pg-boss claims jobs with SKIP LOCKED (two engines never run one job), retries with
 * exponential backoff and jitter, moves a job out of retries to a dead-letter queue, and takes
 * back a job whose engine died (its heartbeat stops) so another attempt runs it.
 *
 * On PostgreSQL it has a small pool of its own; on embedded PGlite it goes through the engine's
 * one connection (knex), and a job sent inside a transaction goes through that transaction, so
 * nothing ever waits for a second connection.
 */

export interface RunJob {
  tenant: string;
  runId: string;
  /** The run's record: the runs of one record run one at a time, oldest first. */
  record?: string;
}

export interface QueueOptions {
  /** A job whose engine stops sending heartbeats this long is retried elsewhere (pg-boss's minimum is 10). */
  heartbeatSeconds: number;
  /** How often the queue looks for jobs whose heartbeat stopped (and other upkeep). */
  superviseSeconds: number;
  /** How often an idle worker looks for jobs. */
  pollSeconds: number;
  /** Attempts after the first, with exponential backoff from retryDelaySeconds. */
  retryLimit: number;
  retryDelaySeconds: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = {
  heartbeatSeconds: 30,
  superviseSeconds: 30,
  pollSeconds: 0.5,
  retryLimit: 5,
  retryDelaySeconds: 2,
};

const RUNS = 'tessera-runs';
const DEAD = 'tessera-runs-dead';
/** Jobs a worker takes at once: a backlog drains BATCH runs at a time. */
const BATCH = 8;

/** `final`: no retry follows if this attempt fails. */
export type RunHandler = (job: RunJob, final: boolean) => Promise<void>;

export class JobQueue {
  private started?: Promise<PgBoss>;
  private boss?: PgBoss;
  private handler?: RunHandler;
  private worker?: string;

  constructor(
    private readonly db: Database,
    private readonly schema: string,
    private readonly options: QueueOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts pg-boss and the run worker on first use (an engine without workflows polls nothing); idempotent. */
  start(): Promise<PgBoss> {
    const { handler } = this;
    if (!handler) return Promise.reject(new Error('the job queue has no handler'));
    this.started ??= this.boot(handler).catch((e: unknown) => {
      this.started = undefined;
      throw e;
    });
    return this.started;
  }

  private async boot(handler: RunHandler): Promise<PgBoss> {
    const { options } = this;
    const connection = this.db.url ? { connectionString: this.db.url, max: 3 } : { db: fromKnex(this.db.knex) };
    const boss = new PgBoss({
      ...connection,
      schema: `${this.schema}_jobs`,
      schedule: false,
      superviseIntervalSeconds: options.superviseSeconds,
      monitorIntervalSeconds: options.superviseSeconds,
    });
    boss.on('error', (e) => this.logger.error({ err: e }, 'job queue error'));
    await boss.start();
    await boss.createQueue(DEAD, { retentionSeconds: 14 * 86_400 });
    await boss.createQueue(RUNS, {
      retryLimit: options.retryLimit,
      retryDelay: options.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: 600,
      heartbeatSeconds: options.heartbeatSeconds,
      deadLetter: DEAD,
    });
    // Up to BATCH jobs a fetch, run side by side, each settled on its own; while fetches come
    // back full the worker fetches again at once, and wake() fetches now rather than at the next
    // poll — so a backlog drains as fast as runs run, not one poll interval per job.
    this.worker = await boss.work(
      RUNS,
      {
        pollingIntervalSeconds: options.pollSeconds,
        batchSize: BATCH,
        burstWhenBatchFull: true,
        // One job of a record at a time, across engines: its runs happen in the order of its changes.
        groupConcurrency: 1,
        includeMetadata: true,
        perJobResults: true,
      },
      (jobs: JobWithMetadata<RunJob>[]) =>
        Promise.all(
          jobs.map(async (job): Promise<JobResult> => {
            try {
              await handler(job.data, job.retryCount >= job.retryLimit);
              return { id: job.id, status: 'completed' };
            } catch (e) {
              return { id: job.id, status: 'failed', output: { message: (e as Error).message } };
            }
          }),
        ),
    );
    this.boss = boss;
    return boss;
  }

  /** Who runs the jobs: set once, before the queue starts. */
  handle(handler: RunHandler): void {
    this.handler = handler;
  }

  /** Fetches jobs now (new runs were just committed) instead of at the next poll. */
  wake(): void {
    if (this.worker) this.boss?.notifyWorker(this.worker);
  }

  /** Jobs for runs, in the transaction that wrote the runs; with `delayMs`, to start that much later. */
  async send(trx: Knex.Transaction, jobs: RunJob[], delayMs?: number): Promise<void> {
    if (!jobs.length) return;
    const boss = await this.started;
    if (!boss) throw new Error('the job queue is not started');
    const startAfter = delayMs === undefined ? {} : { startAfter: new Date(Date.now() + delayMs) };
    await boss.insert(
      RUNS,
      jobs.map((data) => ({
        // pg-boss takes the jobs of one group that wait together in the order of their ids (its
        // own are random): time-ordered ids, increasing within this process, keep a record's
        // runs in the order they were queued.
        id: increasingUuidv7(),
        data,
        ...startAfter,
        ...(data.record ? { group: { id: `${data.tenant}:${data.record}` } } : {}),
      })),
      { db: fromKnex(trx) },
    );
  }

  async stop(): Promise<void> {
    const boss = await this.started?.catch(() => undefined);
    this.started = undefined;
    this.boss = undefined;
    this.worker = undefined;
    await boss?.stop({ graceful: true, timeout: 5_000, close: true });
  }
}
