/**
 * Builds the PWA from client/ into dist/client, and configures vitest's two projects:
 * `unit` (node, every *.test.ts outside e2e/) and `e2e` (real servers + Debian Chromium).
 */
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
// ML (issue 6): installed model packs are served from dist/client/models; /ml.html is a diagnostics page.
import { modelPacks } from './models/src/packs/vite-model-packs.js';
// Dev and preview pages are cross-origin isolated like the real server's, so WASM gets threads.
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './protocol/src/http.js';

export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'client/index.html'), ml: resolve(import.meta.dirname, 'client/ml.html') } },
  },
  plugins: [modelPacks({ packsDir: resolve(import.meta.dirname, 'models/packs') })],
  worker: { format: 'es' },
  server: { port: 5173, headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          root: '.',
          include: ['protocol/**/*.test.ts', 'models/**/*.test.ts', 'client/**/*.test.ts', 'sync-server/**/*.test.ts', 'blob-store/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: '.',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'soak',
          root: '.',
          include: ['protocol/src/catalog.sim.test.ts', 'sync-server/src/crash.test.ts', 'sync-server/src/relay.fuzz.test.ts', 'sync-server/src/room-bus.test.ts', 'sync-server/src/reconnect-storm.test.ts'],
          environment: 'node',
          env: { CATALOG_SIM_SEEDS: '100000', CATALOG_SIM_FIRST: '1000001', SHOEBOX_SOAK: '1' },
          testTimeout: 4 * 3600_000,
        },
      },
    ],
  },
});
