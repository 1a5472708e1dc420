import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Empty, Spin } from 'antd';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type Notification,
} from '../api/notifications.api';
import { useMeta } from '../metadata/use-metadata';
import {
  markedRead,
  nextBefore,
  NOTIFICATION_KEYS,
  NOTIFICATIONS_PAGE,
  notificationsOf,
  recordPath,
  type NotificationPages,
} from './notification-cache';
import { exactTime, timeAgo } from './time-ago';

/**
 * The bell's panel: the user's latest notifications, newest first, unread ones bold with a dot;
 * each leads to its record and is marked read on the way; "Mark all as read"; "Load more" pages
 * on with `before`. Read when opened (it is mounted on each open), which brings the count too.
 */
export default function NotificationPanel({ unread, onClose }: { unread: number; onClose: () => void }) {
  const { t } = useTranslation();
  const meta = useMeta();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();

  // Opened from the keyboard, the next Tab is inside the panel; a screen reader names it.
  useEffect(() => panel.current?.focus({ preventScroll: true }), []);

  const list = useInfiniteQuery({
    queryKey: NOTIFICATION_KEYS.list,
    queryFn: async ({ pageParam, signal }) => {
      const page = await listNotifications({ limit: NOTIFICATIONS_PAGE, before: pageParam }, signal);
      if (pageParam === undefined) queryClient.setQueryData(NOTIFICATION_KEYS.unread, page.unread);
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextBefore,
  });
  const notifications = notificationsOf(list.data);

  /** Shown read at once; the count is read again once the engine has it. */
  const markRead = (n: Notification) => {
    if (n.readAt) return;
    queryClient.setQueryData<NotificationPages>(NOTIFICATION_KEYS.list, (d) =>
      markedRead(d, n.id, new Date().toISOString()),
    );
    queryClient.setQueryData<number>(NOTIFICATION_KEYS.unread, (count) => Math.max(0, (count ?? 1) - 1));
    markNotificationRead(n.id)
      .catch(() => undefined)
      .finally(() => void queryClient.invalidateQueries({ queryKey: ['notifications'] }));
  };

  const markAll = useMutation({
    mutationFn: markAllNotificationsRead,
    onMutate: () => {
      queryClient.setQueryData<NotificationPages>(NOTIFICATION_KEYS.list, (d) =>
        markedRead(d, undefined, new Date().toISOString()),
      );
      queryClient.setQueryData<number>(NOTIFICATION_KEYS.unread, 0);
    },
    onError: () => void message.error(t('notifications.markFailed')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });

  const item = (n: Notification) => {
    const path = recordPath(n, (object) => !!meta.object(object));
    const className = `tessera-notification${n.readAt ? '' : ' is-unread'}`;
    const content = (
      <>
        {!n.readAt && <span className="tessera-notification-dot" aria-hidden="true" />}
        <span className="tessera-notification-title">
          {!n.readAt && <span className="tessera-visually-hidden">{t('notifications.unread')}: </span>}
          {n.title}
        </span>
        {n.body && <span className="tessera-notification-body">{n.body}</span>}
        <time className="tessera-notification-time" dateTime={n.createdAt} title={exactTime(n.createdAt)}>
          {timeAgo(n.createdAt)}
        </time>
      </>
    );
    if (path)
      return (
        <a
          href={path}
          className={className}
          data-testid="notification"
          onClick={(e) => {
            markRead(n);
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            onClose();
            void navigate(path);
          }}
        >
          {content}
        </a>
      );
    // About no record the user may open: clicking an unread one marks it read.
    if (!n.readAt)
      return (
        <button type="button" className={className} data-testid="notification" onClick={() => markRead(n)}>
          {content}
        </button>
      );
    return (
      <div className={className} data-testid="notification">
        {content}
      </div>
    );
  };

  return (
    <div
      ref={panel}
      role="dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      className="tessera-notification-panel"
      data-testid="notification-panel"
    >
      <div className="tessera-notification-header">
        <h2 id={titleId}>{t('notifications.title')}</h2>
        <Button
          type="link"
          size="small"
          disabled={unread === 0}
          loading={markAll.isPending}
          onClick={() => markAll.mutate()}
          data-testid="notifications-mark-all"
        >
          {t('notifications.markAllRead')}
        </Button>
      </div>
      {list.isPending ? (
        <Spin style={{ display: 'block', padding: 24 }} />
      ) : list.isError && !notifications.length ? (
        <Alert
          type="error"
          showIcon
          title={t('notifications.loadFailed')}
          action={
            <Button size="small" onClick={() => void list.refetch()}>
              {t('common.retry')}
            </Button>
          }
          style={{ margin: 12 }}
        />
      ) : notifications.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.none')} style={{ padding: 16 }} />
      ) : (
        <ul className="tessera-notifications" aria-labelledby={titleId} data-testid="notification-list">
          {notifications.map((n) => (
            <li key={n.id}>{item(n)}</li>
          ))}
          {list.hasNextPage && (
            <li className="tessera-notification-more">
              <Button
                block
                type="text"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
                data-testid="notifications-more"
              >
                {t('notifications.loadMore')}
              </Button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
