import type { InfiniteData } from '@tanstack/react-query';
import type { Notification, NotificationPage } from '../api/notifications.api';

/**
 * What the bell and its panel share: the query keys, the pages of notifications as the panel
 * holds them, and how marking read changes them before the engine answers. Pure, so it is tested
 * without a browser.
 */

/** Notifications a page shows (the engine's default). */
export const NOTIFICATIONS_PAGE = 20;

export const NOTIFICATION_KEYS = {
  /** The unread count on the badge. */
  unread: ['notifications', 'unread'] as const,
  /** The panel's pages, newest first. */
  list: ['notifications', 'list'] as const,
};

export type NotificationPages = InfiniteData<NotificationPage, unknown>;

/** The `before` of the page after this one; none once a page comes back short. */
export const nextBefore = (page: NotificationPage): string | undefined =>
  page.data.length < NOTIFICATIONS_PAGE ? undefined : page.data.at(-1)?.id;

/**
 * The pages as one list. A refresh reads each page again with the `before` it had, so one that
 * arrived meanwhile can push a notification onto the next page too: it shows once.
 */
export function notificationsOf(pages: NotificationPages | undefined): Notification[] {
  const seen = new Set<string>();
  return (pages?.pages ?? []).flatMap((p) => p.data).filter((n) => !seen.has(n.id) && !!seen.add(n.id));
}

/** The pages with one notification (or, with no id, every one) read at `at`; read ones keep their time. */
export function markedRead(
  pages: NotificationPages | undefined,
  id: string | undefined,
  at: string,
): NotificationPages | undefined {
  if (!pages) return pages;
  return {
    ...pages,
    pages: pages.pages.map((p) => ({
      ...p,
      data: p.data.map((n) => (n.readAt || (id !== undefined && n.id !== id) ? n : { ...n, readAt: at })),
    })),
  };
}

/** Where a notification leads: its record's page, when it names one in an object the user may open. */
export function recordPath(n: Pick<Notification, 'object' | 'recordId'>, canOpen: (object: string) => boolean) {
  if (!n.object || !n.recordId || !canOpen(n.object)) return undefined;
  return `/o/${encodeURIComponent(n.object)}/${encodeURIComponent(n.recordId)}`;
}
