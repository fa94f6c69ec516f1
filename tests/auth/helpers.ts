// Helpers for the Auth contract tests (tests/auth): raw HTTP through the gateway, supabase-js
// clients, Mailpit, and the recorded responses of a real Supabase Auth v2.189.0
// (../../../shared/conformance, copied as needed into fixtures). These tests check Auth's contract,
// so they must pass against the real binary (SUPABASE_AUTH_BIN) as well as the local stand-in.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { mailUrl, ports, root } from '../../local-stack/config.ts'
import { anonKey, apiUrl, serviceRoleKey, sql } from '../helpers/stack'

export { anonKey, apiUrl, serviceRoleKey, sql, mailUrl, ports }
export const authUrl = `${apiUrl}/auth/v1`
export const DEMO_PASSWORD = 'Fluxera-demo-2026!'
export const GOOD_PASSWORD = 'Good-pass-2026!x'

// Response bodies are untyped JSON, read by field name as the recorded ones are.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>
export type AuthResponse = { status: number; body: Json; headers: Headers }

/** A request to Auth through the gateway. `api: true` sends supabase-js's X-Supabase-Api-Version header. */
export async function auth(
  path: string,
  opts: {
    method?: string
    body?: unknown
    rawBody?: string
    token?: string
    key?: string | null
    api?: boolean
    headers?: Record<string, string>
    /** Another Auth's URL (tests/auth/second-auth.ts) instead of the stack's, through the gateway. */
    base?: string
  } = {},
): Promise<AuthResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (opts.key !== null) headers.apikey = opts.key ?? anonKey
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.api) headers['x-supabase-api-version'] = '2024-01-01'
  let body: string | undefined
  if (opts.rawBody !== undefined) body = opts.rawBody
  else if (opts.body !== undefined) body = JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${opts.base ?? authUrl}${path}`, {
    method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    body,
    redirect: 'manual',
  })
  const text = await res.text()
  let parsed: Json = {}
  try {
    parsed = text ? (JSON.parse(text) as Json) : {}
  } catch {
    parsed = { text }
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

export const admin = (path: string, opts: Parameters<typeof auth>[1] = {}) =>
  auth(path, { ...opts, token: serviceRoleKey, key: serviceRoleKey })

/** Both error forms Auth answers with, depending on X-Supabase-Api-Version. */
export function expectError(r: AuthResponse, status: number, code: string, api = false) {
  expect({ status: r.status, code: api ? r.body.code : r.body.error_code }).toEqual({
    status,
    code,
  })
  if (api) {
    expect(typeof r.body.message).toBe('string')
    expect(r.headers.get('x-supabase-api-version')).toBe('2024-01-01')
  } else {
    expect(r.body.code).toBe(status)
    expect(typeof r.body.msg).toBe('string')
  }
}

export async function signIn(email: string, password = DEMO_PASSWORD) {
  const r = await auth('/token?grant_type=password', { body: { email, password } })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body as { access_token: string; refresh_token: string; expires_at: number; user: Json }
}

export function claims(token: string): Json {
  return decodeJwt(token) as Json
}

export function js(key = anonKey): SupabaseClient {
  return createClient(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
}

export const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`

/** A confirmed user with a password, made through the admin API. */
export async function newUser(tag: string, password = GOOD_PASSWORD, extra: Json = {}) {
  const email = uniqueEmail(tag)
  const r = await admin('/admin/users', {
    body: { email, password, email_confirm: true, ...extra },
  })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return { id: r.body.id as string, email, password }
}

// ---------- the recorded real responses ------------------------------------------------------
const conformance = JSON.parse(
  readFileSync(join(root, 'tests', 'auth', 'fixtures', 'auth-responses-v2.189.0.json'), 'utf8'),
) as Record<string, { status?: number; body?: Json } & Json>
export const recorded = (key: string) => {
  const r = conformance[key]
  if (!r) throw new Error(`no recorded response ${key}`)
  return r
}

/** The shape of a JSON value: keys (recursively, arrays by their first element) and JSON types. */
export function shape(v: unknown): unknown {
  if (v === null) return 'null'
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : []
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v as object).sort()) out[k] = shape((v as Json)[k])
    return out
  }
  return typeof v
}

// User fields Auth omits when empty (omitempty): their presence depends on the user's history.
const optional = new Set([
  'recovery_sent_at',
  'confirmation_sent_at',
  'invited_at',
  'email_change_sent_at',
  'new_email',
  'banned_until',
  'factors',
  'last_sign_in_at',
  'email_confirmed_at',
  'confirmed_at',
  'reauthentication_sent_at',
])
function withoutOptional(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutOptional)
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Json)
        .filter(([k]) => !optional.has(k))
        .map(([k, x]) => [k, withoutOptional(x)]),
    )
  }
  return v
}

/** Asserts that `actual` has the keys and JSON types of the recorded real response `key` (omitempty fields aside). */
export function expectRecordedShape(actual: unknown, key: string) {
  expect(shape(withoutOptional(actual))).toEqual(
    shape(withoutOptional(recorded(key).body ?? recorded(key))),
  )
}

// ---------- Mailpit ----------------------------------------------------------------------
export type Mail = {
  ID: string
  Subject: string
  From: { Address: string; Name: string }
  To: { Address: string }[]
  HTML: string
  Text: string
}

/** The newest mail to `to` (waits for it to arrive, up to `tries` × 100 ms). */
export async function mailTo(
  to: string,
  { subject, tries = 100 }: { subject?: string; tries?: number } = {},
): Promise<Mail> {
  for (let i = 0; i < tries; i++) {
    const res = await fetch(
      `${mailUrl}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=10`,
    )
    const list = (await res.json()) as { messages: { ID: string; Subject: string }[] }
    const hit = list.messages.find((m) => !subject || m.Subject === subject)
    if (hit) return (await (await fetch(`${mailUrl}/api/v1/message/${hit.ID}`)).json()) as Mail
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no mail to ${to}${subject ? ` with subject ${subject}` : ''}`)
}

export async function mailCount(to: string): Promise<number> {
  const res = await fetch(
    `${mailUrl}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=50`,
  )
  return ((await res.json()) as { messages_count: number }).messages_count
}

export function links(mail: Mail): string[] {
  return [...mail.HTML.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))
}

/** Mail links count as "the same" as recorded ones when they differ only in tokens. */
export function linkPattern(link: string): string {
  return link
    .replace(/token_hash=[0-9a-f]+/, 'token_hash=<hash>')
    .replace(/token=[0-9a-f]+/, 'token=<token>')
    .replace(/:\d{4,5}\//g, ':<port>/')
}

/** Moves a one-time token's send time back, so it looks expired (otp_expiry in config.toml). */
export async function ageTokens(userId: string, seconds: number) {
  await sql(
    `update auth.users set confirmation_sent_at = confirmation_sent_at - make_interval(secs => $2),
        recovery_sent_at = recovery_sent_at - make_interval(secs => $2),
        email_change_sent_at = email_change_sent_at - make_interval(secs => $2) where id = $1`,
    [userId, seconds],
  )
}
