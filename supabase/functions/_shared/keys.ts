// The project's API keys and the caller's token, as a function on Supabase sees them once the
// platform's verify_jwt is off (config.toml): that check knows only the legacy JWT keys, so each
// function authorises its callers here.
//
// Keys: Supabase gives functions SUPABASE_PUBLISHABLE_KEYS and SUPABASE_SECRET_KEYS, JSON objects
// by key name with `default` first, beside the legacy SUPABASE_ANON_KEY and
// SUPABASE_SERVICE_ROLE_KEY; the new keys are preferred, the legacy ones still work.
// Tokens: an asymmetric (ES256/RS256) access token is verified here against the project's JWKS
// (SUPABASE_URL/auth/v1/.well-known/jwks.json, fetched once and again for an unknown kid, so a
// rotated key is picked up). An HS256 token (the legacy secret, which functions are not given) is
// verified by PostgREST on the first call made with it, as before the signing keys.
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'npm:jose@6'
import { unverifiedClaims, type CallerClaims } from './caller.ts'

function keysFrom(name: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(Deno.env.get(name) ?? '{}')
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {}
  } catch {
    console.error(`${name} is not a JSON object of keys; ignoring it`)
    return {}
  }
}

export interface ProjectKeys {
  /** The key a function uses to act as its caller (RLS applies): publishable, else anon. */
  publishable: string | undefined
  /** The key a function uses for privileged work (bypasses RLS): secret, else service role. */
  secret: string | undefined
  /** Every key value that identifies an app (publishable keys, the legacy anon key). */
  publicValues: string[]
  /** Every key value that identifies a backend (secret keys, the legacy service-role key). */
  secretValues: string[]
}

export function projectKeys(): ProjectKeys {
  const publishable = keysFrom('SUPABASE_PUBLISHABLE_KEYS')
  const secret = keysFrom('SUPABASE_SECRET_KEYS')
  const anon = Deno.env.get('SUPABASE_ANON_KEY')
  const service = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')
  const values = (o: Record<string, string>, legacy?: string) =>
    [...Object.values(o), ...(legacy ? [legacy] : [])].filter((v) => typeof v === 'string' && v)
  return {
    publishable: publishable.default ?? Object.values(publishable)[0] ?? anon,
    secret: secret.default ?? Object.values(secret)[0] ?? service,
    publicValues: values(publishable, anon),
    secretValues: values(secret, service),
  }
}

/** Which kind of project key the request's `apikey` header is, if any. */
export function apiKeyKind(req: Request, keys: ProjectKeys): 'public' | 'secret' | null {
  const given = req.headers.get('apikey') ?? ''
  if (!given) return null
  if (keys.secretValues.includes(given)) return 'secret'
  if (keys.publicValues.includes(given)) return 'public'
  return null
}

let jwks: ReturnType<typeof createRemoteJWKSet> | null = null

export type TokenCheck =
  { ok: true; claims: CallerClaims; verifiedHere: boolean } | { ok: false; reason: string }

/** A user's access token: verified here when it is asymmetric (signature, expiry, audience,
 * issuer); an HS256 token is only decoded, and PostgREST verifies it on first use. */
export async function checkUserToken(token: string, supabaseUrl: string): Promise<TokenCheck> {
  let alg: string | undefined
  try {
    alg = decodeProtectedHeader(token).alg
  } catch {
    return { ok: false, reason: 'not a JWT' }
  }
  if (alg === 'HS256') {
    const claims = unverifiedClaims(token)
    return claims ? { ok: true, claims, verifiedHere: false } : { ok: false, reason: 'not a JWT' }
  }
  if (alg !== 'ES256' && alg !== 'RS256') return { ok: false, reason: `algorithm ${alg}` }
  const base = supabaseUrl.replace(/\/+$/, '')
  jwks ??= createRemoteJWKSet(new URL(`${base}/auth/v1/.well-known/jwks.json`))
  try {
    const { payload } = await jwtVerify(token, jwks, {
      algorithms: ['ES256', 'RS256'],
      audience: 'authenticated',
      issuer: `${base}/auth/v1`,
    })
    return { ok: true, claims: payload as CallerClaims, verifiedHere: true }
  } catch (err) {
    return { ok: false, reason: (err as Error).message }
  }
}
