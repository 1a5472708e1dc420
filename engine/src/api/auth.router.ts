import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { Problem, unauthorized } from '../errors.js';
import type { AuthService } from '../security/auth.service.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { accessFor } from '../security/access.js';
import { describeAccess } from '../security/describe.js';
import type { SetupAudit } from '../security/setup-audit.js';
import { accessOf, bearerToken, type SignedInRequest } from './context.js';

/**
 * Login, logout and the session check every /api route goes through. API clients send a bearer
 * token; the UI gets the same token as an httpOnly SameSite=Strict cookie that scripts cannot
 * read. A cookie is sent by the browser on its own, so cookie-authenticated requests must also
 * carry `X-Requested-With: XMLHttpRequest`: a header another site's page cannot add without a
 * CORS preflight that this server refuses (CSRF guard).
 */

export const SESSION_COOKIE = 'tessera_session';
const CSRF_HEADER = 'x-requested-with';

export function authRouter(auth: AuthService, compiled: () => CompiledMetadata, audit: SetupAudit): Router {
  const router = Router();
  const signedIn = requireAuth(auth, compiled);
  router.post('/login', async (req, res) => {
    const { email, password } = (req.body ?? {}) as Record<string, unknown>;
    const session = await auth.login(email, password, req.ip);
    setSessionCookie(req, res, session.token, new Date(session.expiresAt));
    res.json(session);
  });
  router.post('/logout', signedIn, async (req, res) => {
    await auth.logout(sessionToken(req)!.token);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    res.status(204).end();
  });
  router.get('/me', signedIn, (req, res) => {
    res.json(describeAccess(accessOf(req), compiled()));
  });
  // Named API tokens for integrations: the token is shown once, only its hash is kept.
  router.get('/tokens', signedIn, async (req, res) => {
    res.json({ data: await auth.listTokens(accessOf(req).userId) });
  });
  router.post('/tokens', signedIn, async (req, res) => {
    const access = accessOf(req);
    access.requireSystem('apiAccess');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).filter((k) => k !== 'name' && k !== 'days');
    if (unknown.length)
      throw new Problem(
        'bad-request',
        'the body has properties tokens do not have',
        unknown.map((field) => ({ field, code: 'unknownField', message: 'a token has a name and days' })),
      );
    const token = await auth.createToken(access.userId, body);
    await audit.note(access.userId, 'token.create', token.id, {
      name: token.name,
      expiresAt: token.expiresAt,
    });
    res.status(201).json(token);
  });
  router.delete('/tokens/:id', signedIn, async (req, res) => {
    const access = accessOf(req);
    await auth.revokeToken(access.userId, String(req.params.id));
    await audit.note(access.userId, 'token.revoke', String(req.params.id));
    res.status(204).end();
  });
  return router;
}

function setSessionCookie(req: Request, res: Response, token: string, expires: Date) {
  res.cookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: req.secure, expires });
}

/** The bearer token, or the session cookie when the request carries the CSRF header. */
export function sessionToken(req: IncomingMessage): { token: string; cookie: boolean } | undefined {
  const bearer = bearerToken(req);
  if (bearer) return { token: bearer, cookie: false };
  const cookie = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
  if (cookie === undefined) return undefined;
  if (req.headers[CSRF_HEADER] !== 'XMLHttpRequest') {
    throw new Problem('forbidden', 'a request signed in by cookie must send X-Requested-With: XMLHttpRequest', [
      { field: 'X-Requested-With', code: 'csrf', message: 'add the header, or send Authorization: Bearer <token>' },
    ]);
  }
  return { token: cookie, cookie: true };
}

/**
 * Every /api route but login: a valid, unexpired session of an active user, whose grants are
 * attached to the request. Bearer tokens (integrations) also need the apiAccess permission; the
 * UI's cookie session does not.
 */
export function requireAuth(auth: AuthService, compiled: () => CompiledMetadata): RequestHandler {
  const check = signIn(auth, compiled);
  return async (req, _res, next) => {
    await check(req, false);
    next();
  };
}

/**
 * requireAuth's check as a function. `fused`: the request is a list page or a single create (the
 * API's hottest requests, hot-routes.ts); from a token this process has seen, it skips the
 * separate session query and goes ahead with the token's last known principal, and the statement
 * that does the work carries the session check itself (AuthService.recentSession). The handler
 * must opt in (fusedCall); anything else that meets an unchecked session fails closed.
 */
export function signIn(
  auth: AuthService,
  compiled: () => CompiledMetadata,
): (req: IncomingMessage, fused: boolean) => Promise<void> | undefined {
  // Synchronous when the session is presumed: a hot request waits for nothing before its statement.
  return (req, fused) => {
    const session = sessionToken(req);
    if (!session) throw unauthorized('send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)');
    const check = async () => {
      const user = await auth.authenticate(session.token);
      const access = accessFor(user, compiled());
      if (!session.cookie) access.requireSystem('apiAccess');
      (req as SignedInRequest).signedIn = { user, access, viaCookie: session.cookie };
    };
    const recent = fused ? auth.recentSession(session.token) : undefined;
    if (recent) {
      const access = accessFor(recent.principal, compiled());
      if (session.cookie || access.hasSystem('apiAccess')) {
        (req as SignedInRequest).signedIn = {
          user: recent.principal,
          access,
          viaCookie: session.cookie,
          pending: { session: recent.session, recheck: check },
        };
        return undefined;
      }
    }
    return check();
  };
}
