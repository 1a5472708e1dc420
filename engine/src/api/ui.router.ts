import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request } from 'express';

/**
 * The runtime UI's built files (runtime-ui/dist) at `/`. Vite names every asset by its content
 * hash, so assets are cached for a year and never revalidated; index.html names the current ones
 * and is always revalidated, so a new build shows on the next page load.
 *
 * Browsers navigating to any non-API path get index.html (the UI routes on the client). Requests
 * that do not ask for HTML (curl, fetch, API clients) keep the JSON answers: the root says where
 * the API is and unknown paths are a problem+json 404. Without a build, the JSON root stays.
 */

const DEFAULT_DIR = fileURLToPath(new URL('../../../runtime-ui/dist/', import.meta.url));
const YEAR_SECONDS = 365 * 24 * 3600;

const wantsHtml = (req: Request) =>
  (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');

/** `dir` defaults to TESSERA_UI_DIR, else runtime-ui/dist of this checkout. */
export function uiRouter(dir = process.env.TESSERA_UI_DIR || DEFAULT_DIR): Router {
  const router = Router();
  const indexFile = path.join(dir, 'index.html');

  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: YEAR_SECONDS * 1000, index: false }),
  );

  router.get('/', (req, res) => {
    if (wantsHtml(req) && fs.existsSync(indexFile)) return void sendIndex(res);
    res.json({
      name: 'Tessera',
      ui: '/',
      api: '/api/v1',
      docs: '/api/docs',
      openapi: '/api/v1/openapi.json',
      health: '/health',
    });
  });

  // Other files at the top of dist (favicon), then the client-side routes.
  router.use(express.static(dir, { index: false, maxAge: 3600 * 1000 }));
  router.use((req, res, next) => {
    // A missing hashed asset is a 404, never the page: a stale tab must not run HTML as a script.
    if (req.path.startsWith('/assets/') || !wantsHtml(req) || !fs.existsSync(indexFile)) return next();
    sendIndex(res);
  });

  function sendIndex(res: express.Response) {
    res.set('Cache-Control', 'no-cache').type('html').sendFile(indexFile);
  }
  return router;
}
