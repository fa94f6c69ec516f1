// Serves the SPA for the browser tests as it ships: a production build (`vite build`) behind
// `vite preview`. The local stack is already up (`npm test` starts it). A dev server was used
// before; its dependency optimiser reloads the page when it meets a dependency for the first time
// (PrimeVue's auto-imported components are only seen while a page is transformed), which left a
// form sign-in mid-way on /sign-in.
//
// `npm test` builds once (FLUXERA_E2E_DIST names the folder) for all browser files; run on its
// own, this setup builds first.
import type { TestProject } from 'vitest/node'
import { join } from 'node:path'
import { build, preview, type PreviewServer } from 'vite'
import { apiUrl, ports, stateDir } from '../../local-stack/config.ts'

let server: PreviewServer | undefined

export default async function setup(project: TestProject) {
  const configFile = new URL('../../vite.config.ts', import.meta.url).pathname
  const outDir = process.env.FLUXERA_E2E_DIST ?? join(stateDir, 'e2e-dist')
  if (!process.env.FLUXERA_E2E_DIST) await buildForTests(configFile, outDir)
  server = await preview({
    configFile,
    build: { outDir },
    preview: { host: '127.0.0.1', port: ports.e2eApp, strictPort: true },
    logLevel: 'warn',
  })
  project.provide('appUrl', `http://127.0.0.1:${ports.e2eApp}`)
  return async () => {
    await new Promise<void>((done) => server?.httpServer.close(() => done()) ?? done())
  }
}

/** Builds the SPA against this run's stack (its API URL carries any port offset). */
export async function buildForTests(configFile: string, outDir: string) {
  process.env.VITE_SUPABASE_URL = apiUrl
  await build({ configFile, build: { outDir, emptyOutDir: true }, logLevel: 'warn' })
}

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string
  }
}
