import type { Request } from 'express';
import { unauthorized } from '../errors.js';
import type { Caller } from '../records/caller.js';
import type { SessionUser } from '../security/auth.service.js';

/** What the auth middleware attaches to a request. */
export interface AuthedRequest extends Request {
  user?: SessionUser;
}

export function callerOf(req: Request): Caller {
  const user = (req as AuthedRequest).user;
  if (!user) throw unauthorized('log in first');
  return { userId: user.id, locale: localeOf(req) };
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
