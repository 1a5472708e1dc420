import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_OPTIONS, JobQueue } from '../src/automation/queue.js';
import { log } from '../src/lib/log.js';
import { waitFor } from './support/security.js';
import { ON_POSTGRES, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The runs of one record run in the order they were queued. An approval's submit and its final
 * approval are two runs of one record: run the other way round, the record ended "in review"
 * after it was approved (seen on a loaded CI machine, where the two jobs waited side by side and
 * the queue took them in the order of their random job ids).
 */

let t: TestEngine;
let queue: JobQueue;
let schema: string;

beforeAll(async () => {
  t = await startTestEngine();
  schema = `${t.schema}_order`;
  queue = new JobQueue(t.engine.db, schema, DEFAULT_QUEUE_OPTIONS, log);
});
afterAll(async () => {
  await queue?.stop();
  if (ON_POSTGRES) await t?.sql('drop schema if exists ?? cascade', [`${schema}_jobs`]);
  await t?.close();
});

describe('the job queue', () => {
  it("runs a record's jobs oldest first, however many wait together", async () => {
    const ran: string[] = [];
    queue.handle((job) => {
      ran.push(job.runId);
      return Promise.resolve();
    });
    await queue.start();
    // Queued together, so one fetch sees them all: only their ids can tell their order.
    const runs = Array.from({ length: 12 }, (_, i) => `run-${i}`);
    await t.engine.db.knex.transaction((trx) =>
      queue.send(
        trx,
        runs.map((runId) => ({ tenant: 'default', runId, record: '0193a1b2-0000-7000-8000-000000000001' })),
      ),
    );
    queue.wake();
    await waitFor(() => Promise.resolve(ran.length === runs.length ? ran : undefined), 'every job run');
    expect(ran).toEqual(runs);
  });
});
