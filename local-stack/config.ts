// Ports, keys, paths and URLs of the local Supabase stack. They match `supabase start`, so the same
// `.env` and `supabase/config.toml` serve people who run the Docker-based Supabase CLI instead.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const stateDir = process.env.FLUXERA_STACK_DIR ?? join(root, '.supabase-local')
export const cacheBin = process.env.FLUXERA_CACHE_BIN ?? join(homedir(), '.cache', 'fluxera', 'bin')

// FLUXERA_PORT_OFFSET shifts every port, so that a second checkout can run its own stack beside
// the first one (each with its own FLUXERA_STACK_DIR). Unset, the ports are `supabase start`'s.
const offset = Number(process.env.FLUXERA_PORT_OFFSET ?? 0)
export const ports = {
  api: 54321 + offset, // the gateway, like Kong in `supabase start`
  db: 54322 + offset,
  mailUi: 54324 + offset, // Mailpit web UI and JSON API (Inbucket's port in the CLI)
  smtp: 54325 + offset,
  rest: 3000 + offset, // PostgREST, internal
  functions: 54329 + offset, // Deno functions server, internal
  auth: 9999 + offset, // Supabase Auth, internal
  app: 5173 + offset, // Vite, `npm run dev`
  e2eApp: 5174 + offset, // Vite, browser tests
  idp: 54340 + offset, // SimpleSAMLphp, the test identity provider (only when asked: idp.ts)
  dns: 54353 + offset, // dnsmasq, TXT records for domain verification (only when asked: idp.ts)
}

// Supabase's public local demo secret and keys (HS256). Never use them outside a local stack.
export const jwtSecret = 'super-secret-jwt-token-with-at-least-32-characters-long'
export const anonKey =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'
export const serviceRoleKey =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'
// Supabase's current key model: not JWTs, sent on `apikey` only. These are the Supabase CLI's
// local values (defaultPublishableKey/defaultSecretKey in supabase/cli pkg/config/apikeys.go), the
// same on every machine, so switching between this stack and `supabase start` changes nothing.
export const publishableKey = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH'
export const secretKey = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'

const MiB = 1024 * 1024
// Request body limits of the gateway, by route. /auth/v1: 1 MiB, the limit Supabase Auth v2.189.0
// applies to every request itself (limitRequestBody(1 << 20) in internal/api/api.go), so the
// gateway refuses exactly where the real Auth would. /rest/v1 and /functions/v1: 6 MiB, a local
// choice (hosted Supabase documents no body limit for them that we could find), far above anything
// the SPA sends (the largest request, invite-members, caps its own body at 64 KiB).
export const bodyLimits = {
  '/rest/v1': 6 * MiB,
  '/auth/v1': 1 * MiB,
  '/functions/v1': 6 * MiB,
} as const

export const apiUrl = `http://127.0.0.1:${ports.api}`
export const dbUrl = `postgresql://postgres:postgres@127.0.0.1:${ports.db}/postgres`
export const mailUrl = `http://127.0.0.1:${ports.mailUi}`

export const pgBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
export const paths = {
  pgData: join(stateDir, 'pg', 'data'),
  pgSocket: join(stateDir, 'pg'),
  logs: join(stateDir, 'logs'),
  pids: join(stateDir, 'pids'),
  mailDb: join(stateDir, 'mailpit.db'),
  denoDir: join(stateDir, 'deno'),
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/**
 * The channel PostgREST listens on for "reload schema". Not Supabase's well-known `pgrst`: any
 * login may NOTIFY any channel (Postgres has no privilege for it), so a workspace's SQL
 * credential could make PostgREST reload its schema cache on demand, again and again. The name is
 * random per stack, kept in its state folder, and only the stack (after migrations) sends it.
 */
export function schemaReloadChannel(): string {
  const file = join(stateDir, 'pgrst-channel')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const channel = `pgrst_${randomBytes(12).toString('hex')}`
  mkdirSync(stateDir, { recursive: true })
  writeFileSync(file, channel, { mode: 0o600 })
  return channel
}
