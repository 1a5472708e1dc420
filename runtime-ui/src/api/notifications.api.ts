import { query, requestJson } from './http';

/**
 * The signed-in user's own notifications, put in their bell by workflows' notify actions
 * (GET /notifications, POST /notifications/{id}/read, POST /notifications/read). Nobody reads or
 * marks another user's: one that is not yours answers 404 like one that does not exist.
 */

export interface Notification {
  id: string;
  title: string;
  body: string | null;
  /** The record the notification is about (the workflow's triggering record), if any. */
  object: string | null;
  recordId: string | null;
  /** The workflow run that sent it. */
  runId: string | null;
  createdAt: string;
  /** null while unread. */
  readAt: string | null;
}

/** One page, newest first, and how many of all the user's notifications are unread. */
export interface NotificationPage {
  data: Notification[];
  unread: number;
}

export interface NotificationQuery {
  /** true: only the unread ones. */
  unread?: boolean;
  /** 1 to 100 (the engine's default is 20). */
  limit?: number;
  /** The id of the last one shown: the page after it. */
  before?: string;
}

export const listNotifications = (q: NotificationQuery, signal?: AbortSignal) =>
  requestJson<NotificationPage>('/notifications' + query({ ...q }), { signal });

export const markNotificationRead = (id: string) =>
  requestJson<void>(`/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });

/** Marks every unread notification of the user read; says how many it marked. */
export const markAllNotificationsRead = () =>
  requestJson<{ marked: number }>('/notifications/read', { method: 'POST' });
