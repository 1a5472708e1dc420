import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import { notFound } from '../errors.js';
import { compressedAssets } from './compressed-assets.js';

/**
 * The built browser apps: the runtime UI (runtime-ui/dist) at `/` and the studio (studio/dist)
 * at `/studio`, each a Vite build served the same way. Vite names every asset by its content
 * hash, so assets are cached for a year and never revalidated (and sent gzipped to browsers that
 * take it, compressed-assets.ts); index.html names the current ones
 * and is always revalidated, so a new build shows on the next page load.
 *
 * Browsers navigating to any path of an app get its index.html (the app routes on the client).
 * Requests that do not ask for HTML (curl, fetch, API clients) keep the JSON answers: the root
 * says where the API is and unknown paths are a problem+json 404. Without a build, the runtime
 * UI's JSON root stays, and the studio's paths answer 404 saying it is not built.
 */

const RUNTIME_UI_DIR = fileURLToPath(new URL('../../../runtime-ui/dist/', import.meta.url));
const STUDIO_DIR = fileURLToPath(new URL('../../../studio/dist/', import.meta.url));
const YEAR_SECONDS = 365 * 24 * 3600;

const wantsHtml = (req: Request) =>
  (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');

/** One Vite app's files; `root` answers `/` when no page is asked for (or none is built). */
function appRouter(dir: string, root: (req: Request, res: Response) => void): Router {
  const router = Router();
  const indexFile = path.join(dir, 'index.html');
  const sendIndex = (res: Response) => res.set('Cache-Control', 'no-cache').type('html').sendFile(indexFile);

  router.use(
    '/assets',
    compressedAssets(path.join(dir, 'assets')),
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: YEAR_SECONDS * 1000, index: false }),
  );
  router.get('/', (req, res) => {
    if (wantsHtml(req) && fs.existsSync(indexFile)) return void sendIndex(res);
    root(req, res);
  });
  // Other files at the top of dist (favicon), then the client-side routes.
  router.use(express.static(dir, { index: false, maxAge: 3600 * 1000 }));
  router.use((req, res, next) => {
    // A missing hashed asset is a 404, never the page: a stale tab must not run HTML as a script.
    if (req.path.startsWith('/assets/') || !wantsHtml(req) || !fs.existsSync(indexFile)) return next();
    sendIndex(res);
  });
  return router;
}

/** The runtime UI at `/`. `dir` defaults to TESSERA_UI_DIR, else runtime-ui/dist of this checkout. */
export function uiRouter(dir = process.env.TESSERA_UI_DIR || RUNTIME_UI_DIR): Router {
  return appRouter(dir, (_req, res) => {
    res.json({
      name: 'Tessera',
      ui: '/',
      studio: '/studio/',
      api: '/api/v1',
      docs: '/api/docs',
      openapi: '/api/v1/openapi.json',
      health: '/health',
    });
  });
}

/**
 * The studio, to be mounted at `/studio`. `dir` defaults to TESSERA_STUDIO_DIR, else studio/dist.
 * Who may use it is the studio's and the metadata API's business: the page itself is public, as
 * the runtime UI's is, and shows a refusal to those without manageMetadata.
 */
export function studioRouter(dir = process.env.TESSERA_STUDIO_DIR || STUDIO_DIR): Router {
  const router = appRouter(dir, () => {
    throw notFound('the studio is not built here: run npm run build');
  });
  router.use(() => {
    throw notFound('nothing of the studio is at this path');
  });
  return router;
}
