import type { Logger } from '../lib/log.js';
import type { AutomationService } from './automation.service.js';
import type { JobQueue } from './queue.js';

/**
 * The engine's background automation, one per process: every tick it drains the outbox of each
 * open tenant that has active workflows, and it runs the jobs the queue hands it. Ticks are
 * cheap when no tenant has workflows (nothing touches the database); the queue starts the first
 * time one has.
 */

const PRUNE_EVERY_MS = 3_600_000;

export interface AutomationTenants {
  /** The tenants open in this process. */
  opened(): Iterable<{ name: string; automation: AutomationService }>;
  /** Every tenant's name, open or not. */
  names(): Promise<string[]>;
  find(name: string): Promise<{ automation: AutomationService } | undefined>;
}

export class AutomationWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private next?: Promise<void>;
  private stopped = false;
  private scheduleTimer?: NodeJS.Timeout;
  private scheduling?: Promise<void>;
  private readonly askedUnfinished = new Set<string>();
  private readonly pruned = new Map<string, number>();

  constructor(
    private readonly queue: JobQueue,
    private readonly tenants: AutomationTenants,
    private readonly logger: Logger,
    private readonly tickMs = 200,
    /** How often time-based triggers are looked at: their runs start up to this late. */
    private readonly scheduleMs = 15_000,
  ) {
    queue.handle((job, final) => this.runJob(job.tenant, job.runId, final));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    this.scheduleTimer = setInterval(() => void this.schedule(new Date()), this.scheduleMs);
    this.scheduleTimer.unref();
  }

  /**
   * Starts the runs of time-based triggers due at `now` in every open tenant (tests pass their
   * own clock), and prunes old runs.
   */
  schedule(now: Date): Promise<void> {
    // One pass at a time, in the order asked for.
    this.scheduling = (this.scheduling ?? Promise.resolve()).then(async () => {
      // A tenant nobody has used since the engine started still has schedules to keep.
      const names = await this.tenants.names().catch((e: unknown) => {
        this.logger.error({ err: e }, 'could not list the tenants for their schedules; trying again');
        return [];
      });
      for (const name of names) {
        if (this.stopped) return;
        // One tenant's failure (it cannot open, its database call failed) holds up no other.
        try {
          const tenant = await this.tenants.find(name);
          if (!tenant) continue;
          // By the real clock, not a test's: a test moving time ahead keeps its runs.
          await this.pruneTenant({ name, automation: tenant.automation }, new Date());
          if (!tenant.automation.hasWork()) continue;
          await this.queue.start();
          if ((await tenant.automation.due(now)) > 0) this.queue.wake();
        } catch (e) {
          this.logger.error({ err: e, tenant: name }, 'could not start scheduled workflow runs; trying again');
        }
      }
    });
    return this.scheduling;
  }

  /**
   * One pass over the open tenants: at each tick, when the database says changes were captured,
   * and in tests that want it now. Asked for during a pass, another follows it (one, however
   * often it was asked for); the promise settles when a pass that began after the call is done.
   */
  tick(): Promise<void> {
    if (!this.running) return (this.running = this.pass().finally(() => (this.running = undefined)));
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.tick();
    });
    return this.next;
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const tenant of this.tenants.opened()) {
        if (!tenant.automation.hasWork()) {
          await this.resumeUnfinished(tenant);
          continue;
        }
        await this.queue.start();
        if ((await tenant.automation.drain()) > 0) this.queue.wake();
      }
    } catch (e) {
      this.logger.error({ err: e }, 'could not dispatch workflow runs; trying again');
    }
  }

  /**
   * A tenant whose workflows were all turned off may still have runs in flight (waiting, to be
   * retried): they finish on the version they started with, so the queue starts for them too.
   * Asked once per tenant and process; a run retried later starts the queue itself.
   */
  private async resumeUnfinished(tenant: { name: string; automation: AutomationService }): Promise<void> {
    if (this.askedUnfinished.has(tenant.name)) return;
    if (await tenant.automation.hasUnfinishedRuns()) await this.queue.start();
    this.askedUnfinished.add(tenant.name);
  }

  /** Prunes old runs and notifications in every open tenant as of `now` (tests pass their own clock). */
  async prune(now: Date): Promise<void> {
    this.pruned.clear();
    for (const tenant of this.tenants.opened()) await this.pruneTenant(tenant, now);
  }

  /** Old runs and notifications go at most once an hour per tenant and process. */
  private async pruneTenant(tenant: { name: string; automation: AutomationService }, now: Date): Promise<void> {
    const last = this.pruned.get(tenant.name);
    if (last !== undefined && now.getTime() - last < PRUNE_EVERY_MS) return;
    this.pruned.set(tenant.name, now.getTime());
    const { runs, notifications } = await tenant.automation.prune(now);
    if (runs || notifications)
      this.logger.info({ tenant: tenant.name, runs, notifications }, 'pruned old workflow runs and notifications');
  }

  private async runJob(tenantName: string, runId: string, final: boolean): Promise<void> {
    const tenant = await this.tenants.find(tenantName);
    if (!tenant) return; // the tenant is gone: nothing to run
    await tenant.automation.run(runId, final);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.scheduleTimer);
    await this.scheduling;
    await this.next;
    await this.running;
    await this.queue.stop();
  }
}
