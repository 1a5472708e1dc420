import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { Problem, unauthorized } from '../errors.js';
import type { SessionCheck } from '../query/session-check.js';
import { SessionUnverified } from '../security/caller.js';
import type { Caller } from '../security/caller.js';
import type { Access } from '../security/access.js';
import type { Principal } from '../security/principal.js';

/** Who sent a request, as the auth middleware found it. */
export interface SignedIn {
  user: Principal;
  access: Access;
  /** Signed in by the UI's session cookie rather than a bearer token. */
  viaCookie: boolean;
  /** Set while the session is only presumed (auth.router.ts): the statement must check it. */
  pending?: { session: SessionCheck; recheck: () => Promise<void> };
}

/**
 * A request with its SignedIn attached as one property. Four properties of their own on Node's
 * request object made every later use of it slower: a tenth of a list request's throughput in
 * the bench, with one property or none it was the same. Node's own request type: the hot routes
 * answer on it without express (fast-lane.ts), every other route on express's.
 */
export interface SignedInRequest extends IncomingMessage {
  signedIn?: SignedIn;
}
export type AuthedRequest = Request & SignedInRequest;

/** The request's checked sign-in. */
function signedInOf(req: IncomingMessage): SignedIn {
  const signedIn = (req as SignedInRequest).signedIn;
  // A presumed session reaching a handler that does not check it in its statement: fail closed.
  if (signedIn?.pending) throw new Error(`unchecked session reached ${req.method} ${req.url}`);
  if (!signedIn) throw unauthorized('log in first');
  return signedIn;
}

export const accessOf = (req: Request): Access => signedInOf(req).access;

export const callerOf = (req: IncomingMessage): Caller => callerFrom(req, signedInOf(req));

function callerFrom(req: IncomingMessage, { access, viaCookie }: SignedIn): Caller {
  return { userId: access.userId, locale: localeOf(req), access, via: viaCookie ? 'ui' : 'api' };
}

/**
 * Runs a hot request (list page, create, get, update or delete by id) with a presumed session
 * whose check rides in the statement. When the session changed (the statement did nothing), or
 * the presumed grants refused the request (401, 403, or 404 for something they do not reach)
 * before any statement found the session holding, the session is checked in full and the call
 * is made again with the grants it really has. A refusal after the session held stands: the
 * grants were the user's own.
 */
export async function fusedCall<T>(req: IncomingMessage, run: (caller: Caller) => Promise<T>): Promise<T> {
  const signedIn = (req as SignedInRequest).signedIn;
  if (!signedIn?.pending) return run(callerOf(req));
  const caller: Caller = { ...callerFrom(req, signedIn), session: signedIn.pending.session };
  try {
    return await run(caller);
  } catch (e) {
    const refused = e instanceof Problem && [401, 403, 404].includes(e.status) && !caller.sessionHeld;
    if (!(e instanceof SessionUnverified) && !refused) throw e;
  }
  await signedIn.pending.recheck();
  return run(callerOf(req));
}

// A client sends the same Accept-Language on every request: the last one read is remembered.
let lastHeader: string | undefined;
let lastLocale = 'en';

/** The caller's preferred language from Accept-Language: en or zh-CN. */
export function localeOf(req: IncomingMessage): string {
  const header = req.headers['accept-language'];
  if (header === lastHeader) return lastLocale;
  const first = (header ?? 'en').split(',')[0]!.split(';')[0]!.trim();
  lastHeader = header;
  lastLocale = /^[a-zA-Z]{2}(-[a-zA-Z]{2,4})?$/.test(first) ? first : 'en';
  return lastLocale;
}

export const bearerToken = (req: IncomingMessage): string | undefined => {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
};
