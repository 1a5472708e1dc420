import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Popover, Spin } from 'antd';
import { lazy, Suspense, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listNotifications } from '../api/notifications.api';
import { NOTIFICATION_KEYS } from './notification-cache';

// The list is loaded on first open, like the search box: the first load carries the badge only.
const NotificationPanel = lazy(() => import('./NotificationPanel'));

/**
 * Under the bell, right edges aligned; on a phone, where that hangs off the left edge, moved
 * sideways onto the screen (Ant Design's own placement flips it to hang off the right edge).
 */
const PLACEMENTS = {
  bottomRight: {
    points: ['tr', 'br'],
    offset: [0, 4],
    overflow: { shiftX: true },
    htmlRegion: 'visibleFirst' as const,
  },
};

/** How often the unread count is read again while the tab is visible. */
const REFRESH_MS = 30_000;

/**
 * The bell in the header: the unread count on a badge, and the user's latest notifications in a
 * panel under it. The count is one small request on load and every 30 s; opening the panel reads
 * the list, whose answer brings the count too.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const bell = useRef<HTMLButtonElement>(null);
  const frame = useRef<HTMLSpanElement>(null);
  const { data: unread = 0 } = useQuery({
    queryKey: NOTIFICATION_KEYS.unread,
    queryFn: async ({ signal }) => (await listNotifications({ unread: true, limit: 1 }, signal)).unread,
    // TanStack Query skips the interval's reads while document.visibilityState is hidden
    // (refetchIntervalInBackground is off), and reads once on coming back if the count is older.
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
    staleTime: REFRESH_MS,
  });

  const onOpenChange = (next: boolean) => {
    // Closed from inside (Escape, a link followed): focus goes back to the bell, not to the page's start.
    const active = document.activeElement;
    if (!next && active !== bell.current && frame.current?.contains(active)) bell.current?.focus();
    setOpen(next);
  };

  return (
    // The panel is rendered in here, right after the bell, so Tab goes from the bell into it.
    <span ref={frame} style={{ position: 'relative', display: 'inline-flex' }}>
      <Popover
        trigger="click"
        open={open}
        onOpenChange={onOpenChange}
        placement="bottomRight"
        builtinPlacements={PLACEMENTS}
        arrow={false}
        destroyOnHidden
        rootClassName="tessera-notification-popover"
        getPopupContainer={() => frame.current ?? document.body}
        styles={{ container: { padding: 0, width: 'min(380px, calc(100vw - 16px))' } }}
        content={
          <Suspense fallback={<Spin style={{ display: 'block', padding: 24 }} />}>
            <NotificationPanel unread={unread} onClose={() => onOpenChange(false)} />
          </Suspense>
        }
      >
        {/* The popover describes its trigger by the whole panel: a span takes that, not the button. */}
        <span style={{ display: 'inline-flex' }}>
          <Button
            ref={bell}
            type="text"
            aria-label={t('notifications.bell', { count: unread })}
            aria-haspopup="dialog"
            aria-expanded={open}
            data-testid="notification-bell"
            data-unread={unread}
            icon={
              <Badge count={unread} size="small" overflowCount={99}>
                <BellOutlined style={{ fontSize: 16 }} />
              </Badge>
            }
          />
        </span>
      </Popover>
    </span>
  );
}
