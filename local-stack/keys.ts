// The stack's JWT signing keys (supabase/signing_keys.json, named by config.toml's
// `[auth] signing_keys_path`, in the format `supabase gen signing-key` writes) and what is derived
// from them: the public JWKS Auth serves, the JWKS PostgREST verifies with, and the short-lived
// role tokens the gateway puts in place of a publishable or secret key.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJWK, SignJWT, type JWK } from 'jose'
import { parseToml } from './auth/config.ts'
import { apiUrl, jwtSecret, root } from './config.ts'

export type SigningJwk = JWK & { kid: string; alg: string; key_ops?: string[] }

function signingKeysPath(): string | null {
  const toml = parseToml(readFileSync(join(root, 'supabase', 'config.toml'), 'utf8'))
  const auth = toml.auth as Record<string, unknown> | undefined
  const path = auth?.signing_keys_path
  // Relative to supabase/, as the Supabase CLI resolves it.
  return typeof path === 'string' && path ? join(root, 'supabase', path) : null
}

/** Every key in the file: the one whose key_ops include "sign" signs, the others only verify (a
 * key being introduced or retired during a rotation). Empty without signing_keys_path: then HS256
 * with the legacy secret, as before. */
export function loadSigningKeys(): SigningJwk[] {
  const path = signingKeysPath()
  if (!path) return []
  const keys = JSON.parse(readFileSync(path, 'utf8')) as SigningJwk[]
  if (!Array.isArray(keys) || keys.some((k) => !k.kid || !k.alg))
    throw new Error(
      `${path}: expected an array of JWKs with kid and alg (supabase gen signing-key)`,
    )
  const signing = keys.filter((k) => (k.key_ops ?? ['sign']).includes('sign'))
  if (signing.length !== 1)
    throw new Error(
      `${path}: exactly one key must have "sign" in key_ops (found ${signing.length})`,
    )
  return keys
}

export const signingKeys = loadSigningKeys()
export const signingJwk: SigningJwk | null =
  signingKeys.find((k) => (k.key_ops ?? ['sign']).includes('sign')) ?? null

/** The public half of a JWK, as Auth publishes it (use "sig", key_ops ["verify"]). */
export function publicJwk(k: SigningJwk): JWK {
  const pub: JWK = { kty: k.kty, kid: k.kid, use: 'sig', key_ops: ['verify'], alg: k.alg }
  if (k.ext !== undefined) pub.ext = k.ext
  for (const f of ['crv', 'x', 'y', 'n', 'e'] as const) if (k[f] !== undefined) pub[f] = k[f]
  return pub
}

/** What Auth serves at /.well-known/jwks.json: public keys only, never the HS256 secret. */
export const publicJwks = { keys: signingKeys.map(publicJwk) }

/** PostgREST's jwt-secret: the public keys plus the legacy secret as an "oct" key, so tokens
 * signed with either verify while both are configured (PostgREST 12 takes a JWKS there). */
export function postgrestJwks(): string {
  const oct = { kty: 'oct', k: Buffer.from(jwtSecret).toString('base64url') }
  return JSON.stringify({ keys: [...publicJwks.keys, oct] })
}

// WebCrypto refuses a private key whose key_ops name "verify"; the file's key_ops say which key
// signs, which is settled above, so the private key is imported without them.
const signer = signingJwk
  ? await importJWK({ ...signingJwk, key_ops: undefined, use: undefined }, signingJwk.alg)
  : null

/** Signs claims with the signing key (its kid in the header), or HS256 with the legacy secret
 * when no signing keys are configured. */
export async function signToken(claims: Record<string, unknown>): Promise<string> {
  if (signingJwk && signer)
    return new SignJWT(claims)
      .setProtectedHeader({ alg: signingJwk.alg, kid: signingJwk.kid, typ: 'JWT' })
      .sign(signer)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(jwtSecret))
}

// How long a role token minted for an API key lives, and how long one is reused. Supabase's
// platform swaps a publishable or secret key for a short-lived JWT of its role at the edge; a
// leaked one of these is worth minutes, not the lifetime of the key.
export const ROLE_TOKEN_TTL_S = 300
const REUSE_S = 60
const minted = new Map<string, { token: string; until: number }>()

/** A short-lived JWT for `role` (anon, service_role), for the services behind the gateway. */
export async function roleToken(role: 'anon' | 'service_role'): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const cached = minted.get(role)
  if (cached && cached.until > now) return cached.token
  const token = await signToken({
    iss: `${apiUrl}/auth/v1`,
    role,
    iat: now,
    exp: now + ROLE_TOKEN_TTL_S,
  })
  minted.set(role, { token, until: now + REUSE_S })
  return token
}
