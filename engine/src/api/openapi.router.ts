import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { notFound } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { buildOpenApi, type OpenApiOptions } from './openapi.js';

/**
 * The OpenAPI document and a Swagger UI page for it. Both are public: they describe metadata
 * shapes, never records. Swagger UI comes from the local swagger-ui-dist package (machines here
 * have no internet), and the page has no inline script, so a CSP without 'unsafe-inline' holds.
 */

const SPEC_PATH = '/api/v1/openapi.json';
const DOCS_PATH = '/api/docs';
const ASSETS_PATH = `${DOCS_PATH}/assets`;

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** The files the page uses; the package also holds a demo index.html and initializer, not served. */
const ASSETS = new Set([
  '/swagger-ui.css',
  '/swagger-ui.css.map',
  '/swagger-ui-bundle.js',
  '/swagger-ui-bundle.js.map',
  '/favicon-16x16.png',
  '/favicon-32x32.png',
]);

const DOCS_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tessera API</title>
  <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// validatorUrl: null keeps Swagger UI from sending the document to validator.swagger.io.
const DOCS_INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(SPEC_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
`;

export function openApiRouter(metadata: { readonly compiled: CompiledMetadata }, options: OpenApiOptions = {}): Router {
  const router = Router();
  // One document per release: built on the first request after a publish, then served as is.
  let cached: { release: number; json: string } | undefined;

  router.get(SPEC_PATH, (req, res) => {
    const compiled = metadata.compiled;
    if (cached?.release !== compiled.release) {
      cached = { release: compiled.release, json: JSON.stringify(buildOpenApi(compiled, options)) };
    }
    res.set({ 'Cache-Control': 'no-cache', ETag: `W/"release-${cached.release}"` }).type('application/json');
    if (req.fresh) return void res.status(304).end();
    res.send(cached.json);
  });

  router.get(DOCS_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(DOCS_HTML);
  });
  router.get(`${DOCS_PATH}/init.js`, (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/javascript').send(DOCS_INIT_JS);
  });
  const assets = express.static(swaggerUiDir, { index: false, redirect: false, fallthrough: true, maxAge: '1d' });
  router.use(
    ASSETS_PATH,
    (req, res, next) => (ASSETS.has(req.path) ? assets(req, res, next) : next()),
    (req) => {
      throw notFound(`no documentation asset ${req.path}`);
    },
  );
  return router;
}
