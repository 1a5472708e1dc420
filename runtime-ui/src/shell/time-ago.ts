import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';

// Here rather than in dayjs-setup.ts: only the notification panel says "3 minutes ago", and it
// is loaded when the bell is first opened.
dayjs.extend(relativeTime);

/** "3 minutes ago" / "3 分钟前": in dayjs' locale, the UI language's (see use-ui-locale.ts). */
export const timeAgo = (iso: string, now: number = Date.now()) => dayjs(iso).from(dayjs(now));

/** The exact time, for the tooltip on the relative one. */
export const exactTime = (iso: string) => dayjs(iso).format('L LT');
