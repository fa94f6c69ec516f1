// Test access to the running local stack: clients for a user, anon and the service role, and SQL
// for fixtures. Users act through Auth (the stack's /auth/v1: the GoTrue-compatible stand-in, or
// Supabase Auth itself with SUPABASE_AUTH_BIN): they are made with the admin API and sign in with
// their password (and a TOTP code for aal2), so the same tests pass against either. The only
// token signed here is `forgedToken()`, for the tokens Auth never issues (bad signature, expired,
// wrong audience, tampered role), signed like Auth's own (ES256 with the stack's signing key and
// its kid) or with the legacy HS256 secret.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose'
import * as OTPAuth from 'otpauth'
import pg from 'pg'
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/types/database.types'
import {
  anonKey,
  apiUrl,
  dbUrl,
  jwtSecret,
  publishableKey,
  secretKey,
  serviceRoleKey,
} from '../../local-stack/config.ts'
import { signingJwk } from '../../local-stack/keys.ts'

export { anonKey, apiUrl, dbUrl, publishableKey, secretKey, serviceRoleKey }
export type Client = SupabaseClient<Database>

/** The password of every user the tests make (it meets config.toml's password policy). */
export const TEST_PASSWORD = 'Test-password-1!'
/** The password of the seeded demo users (supabase/seed.sql). */
export const DEMO_PASSWORD = 'Fluxera-demo-2026!'

function client(key: string, bearer?: string): Client {
  return createClient<Database>(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {},
  })
}

export const anonClient = (): Client => client(anonKey)
export const serviceClient = (): Client => client(serviceRoleKey)

let pool: pg.Pool | undefined
/** SQL as `postgres`, for fixtures and for reading what changed. Not a path users have. */
export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
) {
  pool ??= new pg.Pool({ connectionString: dbUrl, max: 4 })
  return (await pool.query<T>(text, values)).rows
}
export async function closeSql() {
  await pool?.end()
  pool = undefined
}

// ---------- users ------------------------------------------------------------------------

/** Passwords of the users made here, by lower-cased email (null: made without one). */
const passwords = new Map<string, string | null>()
/** Emails of users by id (made here, or looked up once). */
const emails = new Map<string, string>()

export interface CreateUserOptions {
  /**
   * The password (default TEST_PASSWORD). `null` makes a user without one, who signs in with a
   * magic link instead: for fixtures with many people, as each password costs a bcrypt hash
   * (cost 10) when made and again at each sign-in.
   */
  password?: string | null
}

/** Creates a confirmed user through Auth's admin API (the profile row follows by trigger); returns its id. */
export async function createUser(
  email: string,
  fullName = email.split('@')[0] ?? email,
  opts: CreateUserOptions = {},
): Promise<string> {
  const password = opts.password === undefined ? TEST_PASSWORD : opts.password
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    ...(password === null ? {} : { password }),
    email_confirm: true,
    user_metadata: { full_name: fullName },
  })
  if (error || !data.user)
    throw new Error(`admin createUser ${email}: ${error?.message ?? 'no user'}`)
  passwords.set(email.toLowerCase(), password)
  emails.set(data.user.id, email.toLowerCase())
  return data.user.id
}

const isUuid = (s: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)

async function emailOf(user: string): Promise<string> {
  if (!isUuid(user)) return user.toLowerCase()
  const known = emails.get(user)
  if (known) return known
  const [row] = await sql<{ email: string }>(`select email from auth.users where id = $1`, [user])
  if (!row) throw new Error(`no Auth user ${user}`)
  emails.set(user, row.email.toLowerCase())
  return row.email.toLowerCase()
}

/** The password a user signs in with: the one given to createUser, the demo one for seeded users; null for none. */
export function passwordFor(email: string): string | null {
  const known = passwords.get(email.toLowerCase())
  if (known !== undefined) return known
  return email.toLowerCase().endsWith('@fluxera.test') ? DEMO_PASSWORD : TEST_PASSWORD
}

// ---------- signing in -------------------------------------------------------------------

export interface SignInOptions {
  aal?: 'aal1' | 'aal2'
}

/** A TOTP code for a factor's base32 secret, as an authenticator app computes it. */
export const totpCode = (secret: string) =>
  new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate()

/** TOTP secrets of the factors enrolled here, by email. */
const totpSecrets = new Map<string, { factorId: string; secret: string }>()
/** Signed-in clients, per user and level: sign-ins cost a bcrypt check, so each happens once per test file. */
const signedIn = new Map<string, Promise<Client>>()

/** Signs a new client in: with the user's password, or (a user made without one) a magic link. */
async function signIn(email: string): Promise<Client> {
  const c = client(anonKey)
  const password = passwordFor(email)
  if (password !== null) {
    const { error } = await c.auth.signInWithPassword({ email, password })
    if (error) throw new Error(`sign-in as ${email}: ${error.code ?? ''} ${error.message}`)
    return c
  }
  // The link Auth would mail, made by the admin API (no mail sent), then followed as the SPA does.
  const link = await serviceClient().auth.admin.generateLink({ type: 'magiclink', email })
  if (link.error) throw new Error(`magic link for ${email}: ${link.error.message}`)
  const { error } = await c.auth.verifyOtp({
    token_hash: link.data.properties.hashed_token,
    type: 'magiclink',
  })
  if (error) throw new Error(`magic-link sign-in as ${email}: ${error.code ?? ''} ${error.message}`)
  return c
}

/** Steps a signed-in client up to aal2 with a TOTP factor (enrolled here on first use). */
async function stepUp(c: Client, email: string, userId: string): Promise<void> {
  let factor = totpSecrets.get(email)
  if (!factor) {
    // A verified factor whose secret this file does not know (another file enrolled it): remove it.
    const { data: listed } = await serviceClient().auth.admin.mfa.listFactors({ userId })
    for (const f of listed?.factors ?? [])
      await serviceClient().auth.admin.mfa.deleteFactor({ id: f.id, userId })
    const enrolled = await c.auth.mfa.enroll({
      factorType: 'totp',
      friendlyName: `tests ${randomUUID().slice(0, 6)}`,
    })
    if (enrolled.error) throw new Error(`enrol TOTP for ${email}: ${enrolled.error.message}`)
    factor = { factorId: enrolled.data.id, secret: enrolled.data.totp.secret }
    totpSecrets.set(email, factor)
  }
  const verified = await c.auth.mfa.challengeAndVerify({
    factorId: factor.factorId,
    code: totpCode(factor.secret),
  })
  if (verified.error) throw new Error(`TOTP verify for ${email}: ${verified.error.message}`)
}

/**
 * A supabase-js client signed in through Auth as `user` (id or email) with its password (a magic
 * link for users made without one), stepped up to aal2 with TOTP when asked. Cached per user and level for the test file. Verifying a
 * user's first factor ends their other sessions below aal2 (as Auth does), so their cached aal1
 * client is dropped then and the next one signs in again.
 */
export async function clientAs(user: string, opts: SignInOptions = {}): Promise<Client> {
  const aal = opts.aal ?? 'aal1'
  const email = await emailOf(user)
  const key = `${email}|${aal}`
  let pending = signedIn.get(key)
  if (!pending) {
    pending = (async () => {
      const c = await signIn(email)
      if (aal === 'aal2') {
        const { data } = await c.auth.getUser()
        const firstFactor = !totpSecrets.has(email)
        await stepUp(c, email, data.user!.id)
        if (firstFactor) signedIn.delete(`${email}|aal1`)
      }
      return c
    })()
    pending.catch(() => signedIn.delete(key))
    signedIn.set(key, pending)
  }
  return pending
}

/** A fresh sign-in (not cached): a new Auth session each call. */
export async function signInFresh(user: string): Promise<Client> {
  return signIn(await emailOf(user))
}

/** What Auth answers a password sign-in with: null when it succeeds, else its error code (e.g. user_banned). */
export async function signInRefusal(user: string, password?: string): Promise<string | null> {
  const email = await emailOf(user)
  const { error } = await client(anonKey).auth.signInWithPassword({
    email,
    password: password ?? passwordFor(email) ?? TEST_PASSWORD,
  })
  return error ? (error.code ?? error.message) : null
}

/** The access token of the cached signed-in session of `user` (for raw HTTP calls). */
export async function sessionToken(user: string, opts: SignInOptions = {}): Promise<string> {
  const c = await clientAs(user, opts)
  const { data } = await c.auth.getSession()
  if (!data.session) throw new Error(`no session for ${user}`)
  return data.session.access_token
}

/** A client that sends `token` as its bearer, as-is (for tokens Auth did not issue). */
export const clientWithToken = (token: string): Client => client(anonKey, token)

// ---------- tokens Auth never issues -----------------------------------------------------

export interface ForgedTokenOptions {
  /** Sign HS256 with this secret instead of the stack's (a forged legacy signature). */
  secret?: string
  /**
   * How to sign: 'ES256' (default when config.toml names signing keys) with the stack's signing
   * key and its kid, as Auth does; 'HS256' with the legacy secret; 'ES256-foreign' with a key of
   * the forger's own under the stack key's kid (a forged signature).
   */
  alg?: 'ES256' | 'HS256' | 'ES256-foreign'
  /** Negative for an expired token. */
  expiresInSeconds?: number
  audience?: string
  role?: string
  aal?: 'aal1' | 'aal2'
  sessionId?: string
  /**
   * Also write a live auth.sessions row for the token's session_id, for a token whose session
   * Auth would not keep (e.g. one held by a banned user), so that the database judges the rest.
   */
  liveSession?: boolean
}

/**
 * A token Auth would never issue, shaped like Auth's: signed with a wrong secret, expired, for
 * another audience or with a tampered role. Only for tests that prove such tokens are refused.
 */
export async function forgedToken(userId: string, opts: ForgedTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const sessionId = opts.sessionId ?? randomUUID()
  if (opts.liveSession) {
    await sql(
      `insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), $3)`,
      [sessionId, userId, opts.aal ?? 'aal1'],
    )
  }
  const token = new SignJWT({
    sub: userId,
    aud: opts.audience ?? 'authenticated',
    role: opts.role ?? 'authenticated',
    email: '',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    aal: opts.aal ?? 'aal1',
    amr: [{ method: 'password', timestamp: now }],
    session_id: sessionId,
    is_anonymous: false,
  })
    .setIssuer(`${apiUrl}/auth/v1`)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresInSeconds ?? 3600))
  const alg = opts.secret ? 'HS256' : (opts.alg ?? (signingJwk ? 'ES256' : 'HS256'))
  if (alg === 'HS256')
    return token
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(opts.secret ?? jwtSecret))
  if (!signingJwk) throw new Error('forgedToken: config.toml names no signing keys')
  token.setProtectedHeader({ alg: 'ES256', kid: signingJwk.kid, typ: 'JWT' })
  if (alg === 'ES256-foreign') return token.sign((await foreignKey()).privateKey)
  return token.sign(await stackSigner())
}

let signer: Promise<CryptoKey | Uint8Array> | undefined
const stackSigner = () =>
  (signer ??= importJWK({ ...signingJwk!, key_ops: undefined, use: undefined }, 'ES256'))
let foreign: Promise<{ privateKey: CryptoKey; jwk: JsonWebKey }> | undefined
/** A P-256 key that is not the stack's: what a forger would sign with. */
const foreignKey = () =>
  (foreign ??= generateKeyPair('ES256', { extractable: true }).then(async (k) => ({
    privateKey: k.privateKey,
    jwk: await exportJWK(k.publicKey),
  })))

/** A client that uses the given key (publishable, secret, legacy) as supabase-js's key. */
export const clientWithKey = (key: string): Client => client(key)

export const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`
