import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev` serves the studio here with hot reload and hands /api to the engine.
const engine = process.env.TESSERA_ENGINE_URL ?? 'http://127.0.0.1:3000';
const runtimeUi = (path: string) => fileURLToPath(new URL(`../runtime-ui/${path}`, import.meta.url));

export default defineConfig({
  // The engine serves studio/dist at /studio (engine/src/api/ui.router.ts).
  base: '/studio/',
  plugins: [react()],
  resolve: {
    // As in the runtime UI: rjsf validates with its CSP-safe validator, never ajv's generated code.
    alias: { '@rjsf/validator-ajv8': runtimeUi('src/form/ajv-validator-stub.ts') },
  },
  server: {
    host: '127.0.0.1',
    port: 5174,
    proxy: { '/api': engine, '/health': engine },
  },
  build: {
    target: 'es2022',
    // The engine's CSP allows no inline script, so Vite must not inline its preload helper.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
});
