import type { Settings } from '../fields/settings-schema';
import { triggerKindOf } from './schema-branch';

/**
 * A trigger in one line for the workflows list: the i18n key of its sentence and the values it
 * names ("On update of stage, amount", "Every 0 9 * * 1-5 (Asia/Shanghai)", "-P3D from close_date").
 */
export interface TriggerSummary {
  key: string;
  params: Record<string, string>;
}

/** A setting as text: what the schema says is a string, or nothing. */
const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function triggerSummary(trigger: Settings | undefined): TriggerSummary {
  const t = trigger ?? {};
  switch (triggerKindOf(trigger)) {
    case 'manual':
      return { key: 'manual', params: {} };
    case 'inbound':
      return { key: 'inbound', params: {} };
    case 'schedule':
      return t.timezone
        ? { key: 'scheduleIn', params: { schedule: text(t.schedule), timezone: text(t.timezone) } }
        : { key: 'schedule', params: { schedule: text(t.schedule) } };
    case 'relative':
      return { key: 'relative', params: { offset: text(t.offset), field: text(t.relativeTo) } };
    case 'record': {
      const on = typeof t.on === 'string' ? t.on : 'create';
      const fields = [...(Array.isArray(t.fields) ? (t.fields as string[]) : []), ...Object.keys(t.changedTo ?? {})];
      const unique = [...new Set(fields)];
      const key = `${t.beforeSave ? 'before' : 'on'}.${on}${unique.length ? 'Of' : ''}`;
      return { key, params: unique.length ? { fields: unique.join(', ') } : {} };
    }
  }
}
