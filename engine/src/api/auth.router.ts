import { Router, type RequestHandler } from 'express';
import { unauthorized } from '../errors.js';
import type { AuthService } from '../security/auth.service.js';
import { bearerToken, type AuthedRequest } from './context.js';

export function authRouter(auth: AuthService): Router {
  const router = Router();
  router.post('/login', async (req, res) => {
    const { email, password } = (req.body ?? {}) as Record<string, unknown>;
    const session = await auth.login(email, password);
    res.json(session);
  });
  router.post('/logout', requireAuth(auth), async (req, res) => {
    await auth.logout(bearerToken(req)!);
    res.status(204).end();
  });
  router.get('/me', requireAuth(auth), (req, res) => {
    res.json((req as AuthedRequest).user);
  });
  return router;
}

/** Every /api route but login: a valid, unexpired bearer token of an active user. */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) throw unauthorized('send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)');
    (req as AuthedRequest).user = await auth.authenticate(token);
    next();
  };
}
