// Serves the SPA with Vite for the browser tests (the local stack is already up: `npm test`
// starts it) and hands its URL to the tests.
import type { TestProject } from 'vitest/node'
import { createServer, type ViteDevServer } from 'vite'
import { apiUrl, ports } from '../../scripts/stack/config.mjs'

let server: ViteDevServer | undefined

export default async function setup(project: TestProject) {
  process.env.VITE_SUPABASE_URL = apiUrl
  server = await createServer({
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    server: { host: '127.0.0.1', port: ports.e2eApp, strictPort: true },
    logLevel: 'warn',
    // Pre-bundle every dependency the pages import before the first test, so Vite never reloads a
    // page mid-sign-in on discovering a new one.
    optimizeDeps: { entries: ['index.html', 'src/**/*.vue'] },
  })
  await server.listen()
  project.provide('appUrl', `http://127.0.0.1:${ports.e2eApp}`)
  return async () => {
    await server?.close()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string
  }
}
