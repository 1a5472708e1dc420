import type { Request } from 'express';
import { unauthorized } from '../errors.js';
import type { Caller } from '../records/caller.js';
import type { Access } from '../security/access.js';
import type { Principal } from '../security/principal.js';

/** What the auth middleware attaches to a request. */
export interface AuthedRequest extends Request {
  user?: Principal;
  access?: Access;
  /** Signed in by the UI's session cookie rather than a bearer token. */
  viaCookie?: boolean;
}

export function accessOf(req: Request): Access {
  const access = (req as AuthedRequest).access;
  if (!access) throw unauthorized('log in first');
  return access;
}

export function callerOf(req: Request): Caller {
  const access = accessOf(req);
  return { userId: access.userId, locale: localeOf(req), access, via: (req as AuthedRequest).viaCookie ? 'ui' : 'api' };
}

/** The caller's preferred language from Accept-Language: en or zh-CN. */
export function localeOf(req: Request): string {
  const first = (req.headers['accept-language'] ?? 'en').split(',')[0]!.split(';')[0]!.trim();
  return /^[a-zA-Z]{2}(-[a-zA-Z]{2,4})?$/.test(first) ? first : 'en';
}

export const bearerToken = (req: Request): string | undefined => {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
};
