import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

// Four projects, run by `npm test` in this order after the pgTAP suite:
//   unit        src/**/*.test.ts beside the code, in happy-dom, no network
//   auth        tests/auth: Auth's contract (the local stand-in, or Supabase Auth with SUPABASE_AUTH_BIN)
//   integration tests/integration: supabase-js against the running local stack
//   e2e         tests/e2e: Debian's Chromium through playwright-core against the running app
export default defineConfig((env) =>
  mergeConfig(
    viteConfig(env),
    defineConfig({
      test: {
        projects: [
          {
            extends: true,
            test: {
              name: 'unit',
              environment: 'happy-dom',
              include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
              setupFiles: ['src/test/setup.ts'],
              // A page test spends about 0.35 s of CPU (mostly PrimeVue rendering in happy-dom); on
              // the shared 2-core machine at a load of 13 that took up to 5.6 s of wall time.
              testTimeout: 20_000,
            },
          },
          {
            test: {
              name: 'auth',
              environment: 'node',
              include: ['tests/auth/**/*.test.ts'],
              fileParallelism: false,
              testTimeout: 30_000,
              hookTimeout: 60_000,
            },
          },
          {
            // '@/…' as in the app, so a test can drive src/api with a user's client
            resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
            test: {
              name: 'integration',
              environment: 'node',
              include: ['tests/integration/**/*.test.ts'],
              fileParallelism: false,
              testTimeout: 30_000,
              hookTimeout: 60_000,
            },
          },
          {
            test: {
              name: 'e2e',
              environment: 'node',
              include: ['tests/e2e/**/*.test.ts'],
              fileParallelism: false,
              testTimeout: 120_000, // the first page a person opens in a file includes their sign-in through the form
              hookTimeout: 120_000,
              globalSetup: ['tests/e2e/global-setup.ts'],
            },
          },
        ],
      },
    }),
  ),
)
