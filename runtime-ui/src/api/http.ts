import { ApiError } from './api-error';

/**
 * The one way the UI talks to the engine. The session lives in an httpOnly cookie the page
 * cannot read (no token in storage); every request carries X-Requested-With, without which the
 * engine refuses a cookie session (its CSRF guard). Answers in the user's language.
 */

export const API = '/api/v1';

let language = 'en';
/** Sent as Accept-Language so server messages (validation rules) come in the UI's language. */
export function setApiLanguage(lng: string): void {
  language = lng;
}

/** Called on any 401, so the shell can show the login page. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as is (a CSV file) instead of as JSON. */
  rawBody?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'X-Requested-With': 'XMLHttpRequest',
    'Accept-Language': language,
    ...options.headers,
  };
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.contentType) headers['Content-Type'] = options.contentType;
  const res = await fetch(API + path, {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    body,
    signal: options.signal,
  });
  if (!res.ok) {
    const error = await ApiError.from(res);
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized();
    throw error;
  }
  return res;
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** `?a=1&b=2` from the defined entries; objects are sent as JSON (filters). */
export function query(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Saves a download the browser could not fetch by link (the session needs the header). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await request(path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
