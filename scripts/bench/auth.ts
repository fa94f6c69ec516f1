#!/usr/bin/env node
// Auth figures through the gateway: password sign-in p50/p95 and token refresh p50 over N requests
// each (sequential, N=50 unless N is set), and the warm start time of the stack with Auth (stop,
// then start on the existing database). Runs against whichever Auth the stack serves: the local
// stand-in, or Supabase Auth when SUPABASE_AUTH_BIN is set. Prints a line and JSON.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { anonKey, apiUrl, root } from '../../local-stack/config.ts'

const N = Number(process.env.N ?? 50)
const stack = (cmd: string): number => {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [join(root, 'local-stack', 'cli.ts'), cmd], {
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`stack ${cmd} failed:\n${r.stdout}\n${r.stderr}`)
  return (performance.now() - t0) / 1000
}
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN

/** What Auth's token endpoint answers (the fields used here). */
interface TokenResponse {
  access_token: string
  refresh_token: string
}

async function token(
  grant: 'password' | 'refresh_token',
  body: Record<string, string>,
): Promise<{ ms: number; json: TokenResponse }> {
  const t0 = performance.now()
  const res = await fetch(`${apiUrl}/auth/v1/token?grant_type=${grant}`, {
    method: 'POST',
    headers: {
      apikey: anonKey,
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
    },
    body: JSON.stringify(body),
  })
  const json = (await res.json()) as TokenResponse
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`${grant}: ${res.status} ${JSON.stringify(json)}`)
  return { ms, json }
}

// Warm start: the stack with its existing database (migrations already applied).
stack('start')
stack('stop')
const warmStartSeconds = stack('start')

const credentials = { email: 'viewer@fluxera.test', password: 'Fluxera-demo-2026!' }
await token('password', credentials) // first request after a start: connections, JIT
const signIn: number[] = []
for (let i = 0; i < N; i++) signIn.push((await token('password', credentials)).ms)
let refreshToken = (await token('password', credentials)).json.refresh_token
const refresh: number[] = []
for (let i = 0; i < N; i++) {
  const r = await token('refresh_token', { refresh_token: refreshToken })
  refresh.push(r.ms)
  refreshToken = r.json.refresh_token
}

const result = {
  auth: process.env.SUPABASE_AUTH_BIN
    ? `Supabase Auth (${process.env.SUPABASE_AUTH_BIN})`
    : 'local stand-in',
  n: N,
  passwordSignInP50Ms: Number(pct(signIn, 50).toFixed(1)),
  passwordSignInP95Ms: Number(pct(signIn, 95).toFixed(1)),
  refreshP50Ms: Number(pct(refresh, 50).toFixed(1)),
  warmStartSeconds: Number(warmStartSeconds.toFixed(2)),
}
console.log(
  `${result.auth}: password sign-in p50 ${result.passwordSignInP50Ms} ms, p95 ${result.passwordSignInP95Ms} ms; ` +
    `refresh p50 ${result.refreshP50Ms} ms (N=${N}); warm stack start ${result.warmStartSeconds} s`,
)
console.log(JSON.stringify(result))
