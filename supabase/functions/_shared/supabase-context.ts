// Who is calling, and the clients to act with: @supabase/server, as Supabase's guide for the new
// API keys describes (the platform's verify_jwt is off in config.toml; it knows only the legacy
// JWT keys). The SDK reads SUPABASE_URL, SUPABASE_PUBLISHABLE_KEYS / SUPABASE_SECRET_KEYS (JSON
// objects by key name, `default` first) and the JWKS (SUPABASE_JWKS, SUPABASE_JWKS_URL, else
// SUPABASE_URL/auth/v1/.well-known/jwks.json, cached and fetched again for an unknown kid).
//
// Its errors ({source, code, message, hint, docs, details}) are logged here and mapped to the
// functions' own `{ code, message }` replies by each function: a 401 (no, unusable or invalid
// credentials) is the caller's fault; JWKS_FETCH_FAILED is Auth being unreachable; any other
// 500 (no JWKS, no keys, no URL) is the server's configuration.
//
// The one thing the SDK refuses on purpose that the functions still take while the project has
// it: a legacy HS256 user token (no `kid`; the functions are not given the legacy secret). As
// before the signing keys, such a token is only decoded here and PostgREST verifies it on the
// first call made with it (invite-members calls check_invitees as the caller first).
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import { createSupabaseContext } from 'npm:@supabase/server@1.8.1'
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import type { AuthError, SupabaseContext } from 'npm:@supabase/server@1.8.1'
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import { createAdminClient, createContextClient } from 'npm:@supabase/server@1.8.1/core'
import { bearerToken, unverifiedClaims } from './caller.ts'

export { createContextClient }
export type Context = SupabaseContext
export type Client = SupabaseContext['supabase']

/** How a refused request is answered: `unauthenticated` 401, the others 500. */
export type Refusal = 'unauthenticated' | 'auth_unavailable' | 'misconfigured'

export function refusalOf(error: AuthError, fn: string): Refusal {
  if (error.status === 401) {
    console.warn(`${fn}: caller refused: ${error.code}: ${error.message}`)
    return 'unauthenticated'
  }
  console.error(`${fn}: ${error.code}: ${error.message}`, error.hint ?? '')
  return error.code === 'JWKS_FETCH_FAILED' ? 'auth_unavailable' : 'misconfigured'
}

export interface UserCaller {
  userId: string
  /** As the caller: their token, the publishable key; RLS and the database's checks apply. */
  asCaller: Client
  /** The secret key: bypasses RLS. */
  admin: Client
  /** The publishable key without a token (Auth's public endpoints). */
  anon: Client
  /** false for a legacy HS256 token, which PostgREST verifies on the first call with it. */
  verifiedHere: boolean
}

function legacyToken(error: AuthError): boolean {
  const jwt = (error.details as { jwt?: { alg?: string | null; kid?: string | null } } | undefined)
    ?.jwt
  return error.code === 'INVALID_JWT' && jwt?.alg === 'HS256' && !jwt.kid
}

/**
 * A signed-in user: an access token verified against the JWKS (signature, expiry, audience
 * `authenticated`, issuer SUPABASE_URL/auth/v1) whose role is `authenticated`.
 */
export async function userCaller(
  req: Request,
  fn: string,
): Promise<{ caller: UserCaller; refusal?: never } | { caller?: never; refusal: Refusal }> {
  const base = (Deno.env.get('SUPABASE_URL') ?? '').replace(/\/+$/, '')
  const { data: ctx, error } = await createSupabaseContext(req, {
    auth: 'user',
    audience: 'authenticated',
    issuer: `${base}/auth/v1`,
  })
  try {
    if (ctx) {
      if (ctx.jwtClaims?.role !== 'authenticated' || !ctx.userClaims?.id) {
        console.warn(`${fn}: caller refused: role ${String(ctx.jwtClaims?.role)}`)
        return { refusal: 'unauthenticated' }
      }
      const caller = {
        userId: ctx.userClaims.id,
        asCaller: ctx.supabase,
        admin: ctx.supabaseAdmin,
        anon: createContextClient(),
        verifiedHere: true,
      }
      return { caller }
    }
    if (!legacyToken(error)) return { refusal: refusalOf(error, fn) }
    const token = bearerToken(req.headers.get('Authorization'))
    const claims = token ? unverifiedClaims(token) : null
    if (!token || !claims?.sub || claims.role !== 'authenticated') {
      console.warn(`${fn}: caller refused: a legacy token of role ${String(claims?.role)}`)
      return { refusal: 'unauthenticated' }
    }
    const caller = {
      userId: claims.sub,
      asCaller: createContextClient({ auth: { token } }),
      admin: createAdminClient(),
      anon: createContextClient(),
      verifiedHere: false,
    }
    return { caller }
  } catch (err) {
    // createContextClient / createAdminClient throw an EnvError without the keys.
    console.error(`${fn}: ${(err as Error).message}`)
    return { refusal: 'misconfigured' }
  }
}

async function sameKey(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) =>
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)))
  const [x, y] = await Promise.all([digest(a), digest(b)])
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
  return diff === 0
}

/**
 * A caller holding one of the project's API keys on `apikey`: any publishable or secret key
 * (the SDK's `publishable:*` / `secret:*`), or, while the project has them, the legacy anon or
 * service_role key (which the SDK does not know). `null` context: no project key.
 */
export async function apiKeyCaller(
  req: Request,
  fn: string,
): Promise<{ ctx: Context | null; refusal?: never } | { ctx?: never; refusal: Refusal }> {
  const { data: ctx, error } = await createSupabaseContext(req, {
    auth: ['publishable:*', 'secret:*', 'none'],
  })
  if (!ctx) return { refusal: refusalOf(error, fn) }
  if (ctx.authMode !== 'none') return { ctx }
  const given = req.headers.get('apikey') ?? ''
  for (const name of ['SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY']) {
    const legacy = Deno.env.get(name)
    if (given && legacy && (await sameKey(given, legacy))) return { ctx }
  }
  return { ctx: null }
}

/** The secret-key client and nothing about the caller (a function with its own credentials). */
export async function adminOnly(
  req: Request,
  fn: string,
): Promise<{ admin: Client; refusal?: never } | { admin?: never; refusal: Refusal }> {
  const { data: ctx, error } = await createSupabaseContext(req, { auth: 'none' })
  return ctx ? { admin: ctx.supabaseAdmin } : { refusal: refusalOf(error, fn) }
}
