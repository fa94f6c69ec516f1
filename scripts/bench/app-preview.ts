// The SPA as it ships, for the front-end measurements (initial JS per page in measure/js.ts,
// Lighthouse in lighthouse.ts): a production build against this checkout's stack (its API URL
// carries FLUXERA_PORT_OFFSET), served by `vite preview`, the entry pages read from the router's
// own table (so a page added to src/router/routes.ts is measured without editing this file), and
// a signed-in session from Auth to put in the browser's localStorage, where supabase-js looks.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { preview, type PreviewServer } from 'vite'
import { apiUrl, ports, publishableKey, root } from '../../local-stack/config.ts'

export const distDir = process.env.FLUXERA_BENCH_DIST ?? '/tmp/fluxera-bench-dist'
/** Beside `npm run dev` (app) and the browser tests' preview (e2eApp). */
export const previewPort = Number(process.env.FLUXERA_BENCH_PREVIEW_PORT ?? ports.e2eApp + 1)
export const appUrl = `http://127.0.0.1:${previewPort}`
/** Where supabase-js keeps the session (its default storage key for this API URL). */
export const storageKey = `sb-${new URL(apiUrl).hostname.split('.')[0]}-auth-token`

/** `vite build` into distDir against this stack; the seconds it took, or why it failed. */
export function buildApp(): { seconds: number } | { error: string } {
  const t0 = performance.now()
  const r = spawnSync(
    'npx',
    ['vite', 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, VITE_SUPABASE_URL: apiUrl } },
  )
  if (r.status !== 0)
    return {
      error: `vite build failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`,
    }
  return { seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }
}

export async function startPreview(): Promise<PreviewServer> {
  return preview({
    configFile: join(root, 'vite.config.ts'),
    build: { outDir: distDir },
    preview: { host: '127.0.0.1', port: previewPort, strictPort: true },
    logLevel: 'warn',
  })
}

export function stopPreview(server: PreviewServer): Promise<void> {
  return new Promise((done) => server.httpServer.close(() => done()))
}

export interface EntryPage {
  /** Path with query, as typed in the address bar. */
  path: string
  signedIn: boolean
}

/** An invitation link's query, with a token that is not valid: the page still loads what it needs. */
const inviteQuery = '?token_hash=bench-not-a-token&workspace=00000000-0000-4000-b000-000000000000'

/**
 * The pages a person lands on: sign-in and an invitation link signed out, and every page of the
 * signed-in layout without a parameter, read from src/router/routes.ts (the `path: '…'` entries
 * after the layout's `path: '/'`), so that a page added there is measured with nothing to edit.
 */
export function entryPages(): EntryPage[] {
  const table = readFileSync(join(root, 'src', 'router', 'routes.ts'), 'utf8')
  const layout = table.slice(table.indexOf("path: '/',"))
  const inside = [...layout.matchAll(/path: '([^'/:]+)',\s*name: '([^']+)',\s*component:/g)]
    .filter((m) => !['forbidden', 'welcome'].includes(m[2]!))
    .map((m) => ({ path: `/${m[1]}`, signedIn: true }))
  return [
    { path: '/sign-in', signedIn: false },
    { path: `/accept-invite${inviteQuery}`, signedIn: false },
    ...inside,
  ]
}

/** The demo owner (supabase/seed.sql): every page of the demo workspace is open to them. */
export const benchUser = { email: 'owner@fluxera.test', password: 'Fluxera-demo-2026!' }

/** A password sign-in through Auth; the session as supabase-js stores it. */
export async function signInSession(user = benchUser): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: publishableKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  })
  if (!res.ok) throw new Error(`sign-in as ${user.email}: ${res.status} ${await res.text()}`)
  const session = (await res.json()) as { expires_in: number; expires_at?: number }
  session.expires_at ??= Math.floor(Date.now() / 1000) + session.expires_in
  return JSON.stringify(session)
}
