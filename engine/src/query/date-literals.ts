/**
 * Relative dates, as Salesforce's date literals: a filter value such as "this_quarter" or
 * "last_n_days:30" on a date or datetime field stands for a range of days, worked out when the
 * query runs. eq means inside the range, gt after it, lt before it, between spans two of them.
 * Days, weeks (Monday first), months, quarters and years are UTC calendar periods.
 */

export type DateRange = { start: Date; end: Date };

type Period = 'week' | 'month' | 'quarter' | 'year';
const LITERAL =
  /^(today|yesterday|tomorrow|(this|last|next)_(week|month|quarter|year)|(last|next)_n_(days|weeks|months|years):(\d{1,4}))$/;

/** Most units a last_n/next_n literal may span, so every range stays inside years 1 to 9999. */
const MAX_N = { days: 36_500, weeks: 5_200, months: 1_200, years: 100 } as const;

export const isDateLiteral = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const m = LITERAL.exec(value);
  return !!m && (m[5] === undefined || Number(m[6]) <= MAX_N[m[5] as keyof typeof MAX_N]);
};

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

function startOf(period: Period, t: Date): Date {
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  if (period === 'year') return day(y, 0, 1);
  if (period === 'quarter') return day(y, m - (m % 3), 1);
  if (period === 'month') return day(y, m, 1);
  const weekday = (t.getUTCDay() + 6) % 7; // Monday = 0
  return day(y, m, t.getUTCDate() - weekday);
}

function add(period: 'day' | Period, t: Date, n: number): Date {
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  const d = t.getUTCDate();
  if (period === 'day') return day(y, m, d + n);
  if (period === 'week') return day(y, m, d + 7 * n);
  if (period === 'month') return day(y, m + n, d);
  if (period === 'quarter') return day(y, m + 3 * n, d);
  return day(y + n, m, d);
}

export function dateLiteralRange(literal: string, now: Date = new Date()): DateRange {
  const m = LITERAL.exec(literal);
  if (!m) throw new Error(`not a date literal: ${literal}`);
  const today = day(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (m[1] === 'today') return { start: today, end: add('day', today, 1) };
  if (m[1] === 'yesterday') return { start: add('day', today, -1), end: today };
  if (m[1] === 'tomorrow') return { start: add('day', today, 1), end: add('day', today, 2) };
  if (m[2]) {
    const period = m[3] as Period;
    const shift = m[2] === 'this' ? 0 : m[2] === 'last' ? -1 : 1;
    const start = add(period, startOf(period, today), shift);
    return { start, end: add(period, start, 1) };
  }
  // last_n_*: the n units up to and including today; next_n_*: the n units after today
  const unit = m[5]!.replace(/s$/, '') as 'day' | 'week' | 'month' | 'year';
  const n = Number(m[6]);
  return m[4] === 'last'
    ? { start: add(unit, add('day', today, 1), -n), end: add('day', today, 1) }
    : { start: add('day', today, 1), end: add(unit, add('day', today, 1), n) };
}

/** The range as bind values for a date column ('YYYY-MM-DD') or a timestamptz column (ISO). */
export function rangeValues(range: DateRange, column: 'date' | 'datetime'): [string, string] {
  const text = (d: Date) => (column === 'date' ? d.toISOString().slice(0, 10) : d.toISOString());
  return [text(range.start), text(range.end)];
}
