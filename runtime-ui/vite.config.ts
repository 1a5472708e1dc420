import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev` serves the UI here with hot reload and hands /api to the engine.
const engine = process.env.TESSERA_ENGINE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@rjsf/validator-ajv8': fileURLToPath(new URL('./src/form/ajv-validator-stub.ts', import.meta.url)) },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': engine, '/health': engine },
  },
  build: {
    target: 'es2022',
    // The engine's CSP allows no inline script, so Vite must not inline its preload helper.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
});
