import type { Logger } from '../lib/log.js';
import type { AutomationService } from './automation.service.js';
import type { JobQueue } from './queue.js';

/**
 * The engine's background automation, one per process: every tick it drains the outbox of each
 * open tenant that has active workflows, and it runs the jobs the queue hands it. Ticks are
 * cheap when no tenant has workflows (nothing touches the database); the queue starts the first
 * time one has.
 */

export interface AutomationTenants {
  /** The tenants open in this process. */
  opened(): Iterable<{ name: string; automation: AutomationService }>;
  find(name: string): Promise<{ automation: AutomationService } | undefined>;
}

export class AutomationWorker {
  private timer?: NodeJS.Timeout;
  private draining = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly tenants: AutomationTenants,
    private readonly logger: Logger,
    private readonly tickMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** One pass over the open tenants; exported for tests that want it now rather than at the next tick. */
  async tick(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (const tenant of this.tenants.opened()) {
        if (!tenant.automation.hasWork()) continue;
        await this.queue.start((job, final) => this.runJob(job.tenant, job.runId, final));
        await tenant.automation.drain();
      }
    } catch (e) {
      this.logger.error({ err: e }, 'could not dispatch workflow runs; trying again');
    } finally {
      this.draining = false;
    }
  }

  private async runJob(tenantName: string, runId: string, final: boolean): Promise<void> {
    const tenant = await this.tenants.find(tenantName);
    if (!tenant) return; // the tenant is gone: nothing to run
    await tenant.automation.run(runId, final);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.queue.stop();
  }
}
