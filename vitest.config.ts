/**
 * Two test projects:
 *  - unit:    the science core (src/core) in Node on the tfjs WASM backend. One forked process
 *             per test file, so tfjs's global state (backend, registered kernels, tensor
 *             counts) never leaks from one file into another.
 *  - browser: the built page (`vite build` → dist/) served by `vite preview` on port 4173 (see
 *             test/browser/globalSetup.ts), driven by playwright-core with Debian's chromium
 *             (test/browser/launch.ts).
 * `npm test` (scripts/test-all.mjs) runs unit, then the build, then browser.
 *
 * When this file exists vitest reads it instead of vite.config.ts, so the app's Vite plugins
 * are not loaded for the tests; the browser project tests the page only through the preview
 * server, which uses vite.config.ts as usual.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          isolate: true,
          // Both cores of the CI machine (the default, cores − 1, would run one file at a time).
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          globalSetup: ['test/browser/globalSetup.ts'],
          // One chromium at a time: the CI machine has 2 cores and SwiftShader is CPU-bound.
          fileParallelism: false,
          // After the unit project when both run in one command (they have different maxWorkers).
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
