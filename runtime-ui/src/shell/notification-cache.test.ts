import { describe, expect, it } from 'vitest';
import type { Notification, NotificationPage } from '../api/notifications.api';
import {
  markedRead,
  nextBefore,
  NOTIFICATIONS_PAGE,
  notificationsOf,
  recordPath,
  type NotificationPages,
} from './notification-cache';

const note = (id: string, readAt: string | null = null): Notification => ({
  id,
  title: `Deal ${id} is in negotiation`,
  body: null,
  object: 'opportunity',
  recordId: `r${id}`,
  runId: null,
  createdAt: '2026-12-06T10:00:00.000Z',
  readAt,
});
const pages = (...lists: Notification[][]): NotificationPages => ({
  pages: lists.map((data): NotificationPage => ({ data, unread: 0 })),
  pageParams: lists.map((_, i) => (i === 0 ? undefined : lists[i - 1]!.at(-1)!.id)),
});
const READ = '2026-12-06T11:00:00.000Z';
const NOW = '2026-12-06T12:00:00.000Z';

describe('paging', () => {
  it('asks for the page before the last one shown while pages come back full', () => {
    const full = Array.from({ length: NOTIFICATIONS_PAGE }, (_, i) => note(String(100 - i)));
    expect(nextBefore({ data: full, unread: 0 })).toBe('81');
  });

  it('stops after a short page, and after an empty one', () => {
    expect(nextBefore({ data: [note('3'), note('2')], unread: 2 })).toBeUndefined();
    expect(nextBefore({ data: [], unread: 0 })).toBeUndefined();
  });

  it('shows a notification once when a refresh pushed it onto the next page too', () => {
    const shown = notificationsOf(pages([note('9'), note('8')], [note('8'), note('7')]));
    expect(shown.map((n) => n.id)).toEqual(['9', '8', '7']);
    expect(notificationsOf(undefined)).toEqual([]);
  });
});

describe('marking read before the engine answers', () => {
  it('marks the one clicked, and leaves the others as they are', () => {
    const before = pages([note('3'), note('2', READ)], [note('1')]);
    const after = markedRead(before, '1', NOW)!;
    expect(notificationsOf(after).map((n) => [n.id, n.readAt])).toEqual([
      ['3', null],
      ['2', READ],
      ['1', NOW],
    ]);
    // The cache's old value is not changed in place (TanStack Query compares by reference).
    expect(notificationsOf(before).map((n) => n.readAt)).toEqual([null, READ, null]);
    expect(after.pageParams).toBe(before.pageParams);
  });

  it('marks every unread one on every page read, keeping the time of those read before', () => {
    const after = markedRead(pages([note('3'), note('2', READ)], [note('1')]), undefined, NOW);
    expect(notificationsOf(after).map((n) => n.readAt)).toEqual([NOW, READ, NOW]);
  });

  it('leaves a panel never opened without pages', () => {
    expect(markedRead(undefined, '1', NOW)).toBeUndefined();
  });
});

describe('where a notification leads', () => {
  const canOpen = (object: string) => object === 'opportunity';

  it('to its record page', () => {
    expect(recordPath({ object: 'opportunity', recordId: 'abc' }, canOpen)).toBe('/o/opportunity/abc');
    expect(recordPath({ object: 'opportunity', recordId: 'a/b' }, canOpen)).toBe('/o/opportunity/a%2Fb');
  });

  it('nowhere when it names no record, or one of an object the user may not open', () => {
    expect(recordPath({ object: null, recordId: null }, canOpen)).toBeUndefined();
    expect(recordPath({ object: 'opportunity', recordId: null }, canOpen)).toBeUndefined();
    expect(recordPath({ object: 'case', recordId: 'abc' }, canOpen)).toBeUndefined();
  });
});
