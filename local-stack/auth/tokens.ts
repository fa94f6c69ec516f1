// Sessions, refresh tokens (rotation with reuse detection) and access tokens with Auth's claims,
// signed with the stack's signing key (ES256, kid in the header; HS256 with the legacy secret when
// config.toml names no signing keys), as Auth does with GOTRUE_JWT_KEYS.
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { createLocalJWKSet, jwtVerify, type JWTHeaderParameters } from 'jose'
import type { PoolClient } from 'pg'
import { publicJwks, signToken } from '../keys.ts'
import type { AuthConfig } from './config.ts'
import type { Db, Row } from './db.ts'
import { CommitWithError, toIso, txCommitting } from './db.ts'
import { ssoAmrProvider } from './data/sso.ts'
import { ApiError, badRequest, forbidden, unauthorized } from './errors.ts'
import { invokeHook } from './hooks.ts'
import { audit, clientIp, findUserById, isBanned, userJson } from './users.ts'

// Refresh tokens are 12 characters of [a-z0-9], the format Auth accepts for its (v1) tokens.
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
export function secureAlphanumeric(n: number): string {
  const bytes = randomBytes(n * 2)
  let out = ''
  for (let i = 0; out.length < n && i < bytes.length; i++)
    if (bytes[i]! < 252) out += ALNUM[bytes[i]! % 36]
  return out.length === n ? out : secureAlphanumeric(n)
}

export type Claims = Row

/** The aal and amr of a session, from auth.mfa_amr_claims (most recent first), as Auth computes them. */
async function aalAndAmr(c: Db, sessionId: string): Promise<{ aal: string; amr: Row[] }> {
  const r = await c.query(
    `select authentication_method, updated_at from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId],
  )
  let aal = 'aal1'
  const amr: Row[] = r.rows.map((row) => {
    if (row.authentication_method === 'totp') aal = 'aal2'
    return {
      method: row.authentication_method,
      timestamp: Math.floor(Date.parse(toIso(row.updated_at)!) / 1000),
    }
  })
  // An SSO sign-in names its provider (the user's one identity `sso:<id>`).
  for (const entry of amr)
    if (entry.method === 'sso/saml') {
      const provider = await ssoAmrProvider(c, sessionId)
      if (provider) entry.provider = provider
    }
  return { aal, amr }
}

export async function generateAccessToken(
  cfg: AuthConfig,
  c: PoolClient,
  user: Row,
  sessionId: string,
  method: string,
) {
  const { aal, amr } = await aalAndAmr(c, sessionId)
  const iat = Math.floor(Date.now() / 1000)
  const exp = iat + cfg.jwtExp
  let claims: Claims = {
    aud: user.aud,
    exp,
    iat,
    iss: cfg.externalUrl,
    sub: user.id,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role,
    aal,
    amr,
    session_id: sessionId,
    is_anonymous: !!user.is_anonymous,
  }
  const hook = cfg.hooks.customAccessToken
  if (hook) {
    const out = await invokeHook(
      hook,
      { user_id: user.id, claims, authentication_method: method },
      c,
    )
    const next = out.claims
    const required = [
      'aud',
      'exp',
      'iat',
      'sub',
      'email',
      'phone',
      'role',
      'aal',
      'session_id',
      'is_anonymous',
    ]
    const missing =
      next && typeof next === 'object' ? required.filter((k) => !(k in next)) : required
    if (missing.length) {
      throw new ApiError(
        500,
        'unexpected_failure',
        `output claims do not conform to the expected schema: \n- (root): ${missing[0]} is required\n`,
      )
    }
    claims = next
  }
  const token = await signToken(claims)
  return { token, exp }
}

export type GrantOptions = {
  factorId?: string | null
  method: string
  /** The session's end (an SSO assertion's SessionNotOnOrAfter). */
  notAfter?: string | null
}

/** Creates a session + first refresh token, records the amr claim, signs the access token (Auth's IssueRefreshToken). */
export async function issueSession(
  cfg: AuthConfig,
  c: PoolClient,
  req: IncomingMessage,
  user: Row,
  opts: GrantOptions,
) {
  const sessionId = randomUUID()
  const ua = req.headers['user-agent'] ?? null
  await c.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, factor_id, aal, not_after, refreshed_at, user_agent, ip)
     values ($1, $2, now(), now(), $3, 'aal1', $6, null, $4, nullif($5, '')::inet)`,
    [sessionId, user.id, opts.factorId ?? null, ua, clientIp(req), opts.notAfter ?? null],
  )
  const refresh = secureAlphanumeric(12)
  await c.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, $3, false, now(), now(), null, $4)`,
    [user.instance_id, refresh, user.id, sessionId],
  )
  await addAmrClaim(c, sessionId, opts.method)
  await c.query(`update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1`, [
    user.id,
  ])
  const fresh = (await findUserById(c, user.id))!
  const { token, exp } = await generateAccessToken(cfg, c, fresh, sessionId, opts.method)
  return tokenResponse(cfg, c, fresh, token, exp, refresh)
}

export async function addAmrClaim(c: Db, sessionId: string, method: string) {
  await c.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values (gen_random_uuid(), $1, now(), now(), $2)
     on conflict (session_id, authentication_method) do update set updated_at = now()`,
    [sessionId, method],
  )
}

export async function tokenResponse(
  cfg: AuthConfig,
  c: Db,
  user: Row,
  token: string,
  exp: number,
  refresh: string,
) {
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: cfg.jwtExp,
    expires_at: exp,
    refresh_token: refresh,
    user: await userJson(c, user),
  }
}

/** Revokes a refresh token and issues its child in the same session (Auth's GrantRefreshTokenSwap). */
export async function swapRefreshToken(c: Db, user: Row, old: Row): Promise<string> {
  await c.query(`update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`, [
    old.id,
  ])
  const token = secureAlphanumeric(12)
  await c.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, $3, false, now(), now(), $4, $5)`,
    [user.instance_id, token, user.id, old.token, old.session_id],
  )
  return token
}

/** grant_type=refresh_token, with rotation and Auth's reuse rules. */
export async function refreshTokenGrant(
  cfg: AuthConfig,
  req: IncomingMessage,
  refreshToken: unknown,
) {
  // Auth accepts its 12-character tokens and its signed (v2) ones; the stand-in issues only the former.
  if (typeof refreshToken !== 'string' || !/^[a-z0-9]{12}$/.test(refreshToken)) {
    throw badRequest('validation_failed', 'Refresh token is not valid')
  }
  return txCommitting(async (c) => {
    const r = await c.query(`select * from auth.refresh_tokens where token = $1 for update`, [
      refreshToken,
    ])
    const token = r.rows[0]
    if (!token)
      throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
    const user = await findUserById(c, String(token.user_id), true)
    if (!user)
      throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
    if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned')
    const s = token.session_id
      ? (await c.query(`select * from auth.sessions where id = $1 for update`, [token.session_id]))
          .rows[0]
      : null
    if (!s) {
      await c.query(`delete from auth.refresh_tokens where id = $1`, [token.id])
      throw new CommitWithError(
        badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found'),
      )
    }
    if (s.not_after && Date.parse(toIso(s.not_after)!) < Date.now()) {
      throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired')
    }
    let issued = ''
    if (token.revoked) {
      const active = (
        await c.query(
          `select * from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1`,
          [s.id],
        )
      ).rows[0]
      if (active && active.parent === token.token) {
        issued = active.token
      } else {
        const reuseUntil =
          Date.parse(toIso(token.updated_at)!) + cfg.refreshTokenReuseInterval * 1000
        if (Date.now() > reuseUntil) {
          if (cfg.refreshTokenRotation) {
            await c.query(
              `update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false`,
              [s.id],
            )
          }
          throw new CommitWithError(
            badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used'),
          )
        }
      }
    }
    await audit(c, req, user, 'token_refreshed', undefined, 'token')
    if (!issued) issued = await swapRefreshToken(c, user, token)
    const { token: access, exp } = await generateAccessToken(cfg, c, user, s.id, 'token_refresh')
    await c.query(
      `update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now(), user_agent = $2, ip = nullif($3, '')::inet where id = $1`,
      [s.id, req.headers['user-agent'] ?? null, clientIp(req)],
    )
    return tokenResponse(cfg, c, user, access, exp, issued)
  })
}

export type AuthContext = { claims: Claims; user: Row; session: Row | null; token: string }

export function bearer(req: IncomingMessage): string {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))
  if (!m) throw unauthorized('no_authorization', 'This endpoint requires a valid Bearer token')
  return m[1]!
}

const asymmetric = createLocalJWKSet(publicJwks)

/** Auth's parseJWTClaims: an asymmetric token by its kid from the signing keys; HS256 (no kid, or
 * a legacy one) with the secret, which keeps verifying while it is configured. */
export async function parseClaims(cfg: AuthConfig, token: string): Promise<Claims> {
  try {
    const key = (header: JWTHeaderParameters) =>
      header.alg === 'HS256' ? new TextEncoder().encode(cfg.jwtSecret) : asymmetric(header)
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256', 'ES256', 'RS256'],
    })
    return payload as Claims
  } catch (err) {
    const msg = (err as Error).message
    if (/exp/.test(msg))
      throw forbidden(
        'bad_jwt',
        'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired',
      )
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${msg}`)
  }
}

/** Auth's requireAuthentication: a valid JWT whose user (and session, when it names one) exist. */
export async function requireUser(
  cfg: AuthConfig,
  c: Db,
  req: IncomingMessage,
): Promise<AuthContext> {
  const token = bearer(req)
  const claims = await parseClaims(cfg, token)
  if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim')
  if (!/^[0-9a-f-]{36}$/i.test(String(claims.sub)))
    throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID')
  const user = await findUserById(c, String(claims.sub))
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist')
  let session: Row | null = null
  if (claims.session_id) {
    if (!/^[0-9a-f-]{36}$/i.test(String(claims.session_id)))
      throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID')
    session =
      (await c.query(`select * from auth.sessions where id = $1`, [claims.session_id])).rows[0] ??
      null
    if (!session)
      throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  }
  return { claims, user, session, token }
}

/** Auth's requireAdminCredentials: a valid JWT with an admin role (service_role). */
export async function requireAdmin(cfg: AuthConfig, req: IncomingMessage): Promise<Claims> {
  const claims = await parseClaims(cfg, bearer(req))
  if (!cfg.adminRoles.includes(String(claims.role)))
    throw forbidden('not_admin', 'User not allowed')
  return claims
}
