import { durationMs } from '../../lib/duration.js';
import { Pause, type ActionDef } from './action.js';

/**
 * Waits before the actions after it. The run is not held in memory: the step is recorded as done
 * with the time it waits until, and the run's job is queued again to start then, so a restart in
 * between changes nothing.
 */
export const wait: ActionDef<{ type: 'wait'; for: string }> = {
  run(action) {
    const ms = durationMs(action.for) ?? 0;
    throw new Pause(ms, { until: new Date(Date.now() + ms).toISOString() });
  },
};
