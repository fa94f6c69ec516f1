// /token (password, refresh_token, pkce), /logout and /user (GET, PUT).
import { tx } from '../db.ts'
import { ApiError, badRequest, forbidden, OAuthError, unprocessable } from '../errors.ts'
import { invokeHook } from '../hooks.ts'
import { obj, route, str, type Ctx, type Route } from '../http.ts'
import { sendEmailChange } from '../otp.ts'
import { checkPasswordStrength, hashPassword, verifyPassword } from '../password.ts'
import { referrer } from '../redirect.ts'
import { issueSession, refreshTokenGrant, requireUser } from '../tokens.ts'
import { pkceGrant as ssoPkceGrant } from './sso.ts'
import {
  audit,
  findUserByEmail,
  findUserById,
  isBanned,
  isConfirmed,
  userJson,
  validateEmail,
} from '../users.ts'
import { db, type Row } from '../db.ts'

async function passwordGrant(ctx: Ctx) {
  const { cfg, req } = ctx
  const body = await ctx.body()
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  const password = str(body, 'password')
  if (email && phone)
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on login.',
    )
  if (phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled')
  if (!email) throw badRequest('validation_failed', 'missing email or phone')
  const user = await findUserByEmail(db(), email)
  if (!user || !user.encrypted_password)
    throw badRequest('invalid_credentials', 'Invalid login credentials')
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned')
  const valid = await verifyPassword(password, user.encrypted_password)
  let weak: unknown = null
  if (valid) {
    try {
      checkPasswordStrength(cfg, password)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'weak_password')
        weak = {
          message: err.message,
          reasons: (err.extra?.weak_password as { reasons: string[] }).reasons,
        }
    }
  }
  const hook = cfg.hooks.passwordVerificationAttempt
  if (hook) {
    const out = await invokeHook(hook, { user_id: user.id, valid })
    if (out.decision === 'reject') {
      if (out.should_logout_user)
        await db().query(`delete from auth.sessions where user_id = $1`, [user.id])
      throw badRequest(
        'invalid_credentials',
        out.message || 'Further password verification attempts will be rejected.',
      )
    }
  }
  if (!valid) throw badRequest('invalid_credentials', 'Invalid login credentials')
  if (!isConfirmed(user)) throw badRequest('email_not_confirmed', 'Email not confirmed')
  const token = await tx(async (c) => {
    await audit(c, req, user, 'login', { provider: 'email' })
    return issueSession(cfg, c, req, user, { method: 'password' })
  })
  ctx.json(200, { ...token, weak_password: weak })
}

async function pkceGrant(ctx: Ctx) {
  const body = await ctx.body()
  const authCode = str(body, 'auth_code')
  const verifier = str(body, 'code_verifier')
  if (!authCode || !verifier)
    throw badRequest(
      'validation_failed',
      'invalid request: both auth code and code verifier should be non-empty',
    )
  // Only SSO sign-ins leave PKCE codes here (mail links use the implicit flow).
  return ssoPkceGrant(ctx, authCode, verifier)
}

// The OIDC issuers Auth knows for the providers that sign in with an ID token.
const idTokenIssuers: Record<string, string> = {
  google: 'https://accounts.google.com',
  facebook: 'https://www.facebook.com',
  kakao: 'https://kauth.kakao.com',
  vercel_marketplace: 'https://marketplace.vercel.com',
  snapchat: 'https://accounts.snapchat.com/accounts/oauth2/token',
}
const appleIssuers = ['https://appleid.apple.com', 'https://account.apple.com']
const azureIssuer = /^https:\/\/login[.]microsoftonline[.]com\/([^/]+)\/v2[.]0\/?$/

/** The `iss` of an ID token, read without verifying it (Auth's Detect…IDTokenIssuer). */
function unverifiedIssuer(idToken: string): string | null {
  const parts = idToken.split('.')
  if (parts.length !== 3) return null
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown
    if (!payload || typeof payload !== 'object') return null
    const iss = (payload as Row).iss
    return typeof iss === 'string' ? iss : ''
  } catch {
    return null
  }
}

/**
 * grant_type=id_token. Every OAuth/OIDC provider is off here (config.toml enables none), so after
 * Auth's own checks the answer is its 400 provider_disabled naming the provider's issuer.
 */
async function idTokenGrant(ctx: Ctx) {
  const body = await ctx.body()
  const idToken = str(body, 'id_token')
  const provider = str(body, 'provider')
  const clientId = str(body, 'client_id')
  const issuer = str(body, 'issuer')
  if (!idToken) throw new OAuthError('invalid request', 'id_token required')
  if (!provider && (!clientId || !issuer))
    throw new OAuthError('invalid request', 'provider or client_id and issuer required')
  if (body.link_identity === true) {
    if (!ctx.req.headers.authorization)
      throw new OAuthError(
        'invalid request',
        'Linking requires a valid user access token in Authorization',
      )
    await requireUser(ctx.cfg, db(), ctx.req)
  }
  const detected = (name: string, matches: (iss: string) => boolean) => {
    const iss = unverifiedIssuer(idToken)
    if (iss === null)
      throw badRequest(
        'validation_failed',
        `Unable to detect issuer in ID token for ${name} provider`,
      )
    if (!matches(iss))
      throw badRequest(
        'validation_failed',
        `Detected ID token issuer is not an ${name} ID token issuer`,
      )
    if (issuer && issuer !== iss)
      throw badRequest('validation_failed', 'Provided issuer does not match ID token issuer')
    return iss
  }
  let iss: string
  if (provider === 'apple' || appleIssuers.includes(issuer)) {
    iss = detected('Apple', (i) => appleIssuers.includes(i))
  } else if (provider === 'azure' || azureIssuer.test(issuer)) {
    const i = detected('Azure', (x) =>
      /^https:\/\/(login\.microsoftonline\.com|sts\.windows\.net)\//.test(x),
    )
    iss = i
  } else if (provider === 'keycloak') {
    iss = '' // no Keycloak URL is configured
  } else {
    const known = Object.entries(idTokenIssuers).find(([p, i]) => provider === p || issuer === i)
    if (known) iss = known[1]
    else if (provider.startsWith('custom:'))
      throw badRequest('validation_failed', 'Custom OAuth providers are disabled')
    else
      throw badRequest('validation_failed', `Custom OIDC provider ${goQuote(provider)} not allowed`)
  }
  throw badRequest('provider_disabled', `Provider (issuer ${goQuote(iss)}) is not enabled`)
}

/** Go's %q for the plain strings that reach it here. */
function goQuote(s: string): string {
  return JSON.stringify(s)
}

async function token(ctx: Ctx) {
  const grant = ctx.query.get('grant_type') ?? ''
  switch (grant) {
    case 'password':
      return passwordGrant(ctx)
    case 'refresh_token': {
      const body = await ctx.body()
      return ctx.json(
        200,
        await refreshTokenGrant(
          ctx.cfg,
          ctx.req,
          body.refresh_token === undefined ? '' : str(body, 'refresh_token'),
        ),
      )
    }
    case 'pkce':
      return pkceGrant(ctx)
    case 'id_token':
      return idTokenGrant(ctx)
    case 'web3':
      // Checked before the body is read, as Auth does.
      throw unprocessable('web3_provider_disabled', 'Web3 provider is disabled')
    default:
      throw badRequest('invalid_credentials', 'unsupported_grant_type')
  }
}

async function logout(ctx: Ctx) {
  const scope = ctx.query.get('scope') ?? 'global'
  const auth = await requireUser(ctx.cfg, db(), ctx.req)
  if (!['global', 'local', 'others'].includes(scope))
    throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`)
  await tx(async (c) => {
    await audit(c, ctx.req, auth.user, 'logout')
    const sid = auth.session?.id ?? null
    if (scope === 'local' && sid) await c.query(`delete from auth.sessions where id = $1`, [sid])
    else if (scope === 'others' && sid)
      await c.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [
        auth.user.id,
        sid,
      ])
    else await c.query(`delete from auth.sessions where user_id = $1`, [auth.user.id])
  })
  ctx.res.writeHead(204)
  ctx.res.end()
}

async function userGet(ctx: Ctx) {
  const auth = await requireUser(ctx.cfg, db(), ctx.req)
  const aud = auth.claims.aud
  const auds = Array.isArray(aud) ? aud : [aud]
  if (!auds.includes(auth.user.aud))
    throw badRequest('validation_failed', "Token audience doesn't match request audience")
  ctx.json(200, await userJson(db(), auth.user))
}

async function userUpdate(ctx: Ctx) {
  const { cfg, req } = ctx
  const auth = await requireUser(cfg, db(), req)
  const body = await ctx.body()
  const email = body.email === undefined ? '' : str(body, 'email')
  const password =
    body.password === undefined || body.password === null ? null : str(body, 'password')
  const data = obj(body, 'data')
  const appData = obj(body, 'app_metadata')
  if (str(body, 'phone'))
    throw unprocessable('phone_provider_disabled', 'Unsupported phone provider')
  if (password !== null) checkPasswordStrength(cfg, password)
  const user = auth.user
  if (appData && !cfg.adminRoles.includes(String(auth.claims.role))) {
    throw forbidden('not_admin', 'Updating app_metadata requires admin privileges')
  }
  const verified = await db().query(
    `select 1 from auth.mfa_factors where user_id = $1 and status = 'verified' limit 1`,
    [user.id],
  )
  const aal2 = auth.session?.aal === 'aal2'
  if (
    verified.rowCount &&
    !aal2 &&
    ((password !== null && password !== '') || (email && email !== user.email))
  ) {
    throw new ApiError(
      401,
      'insufficient_aal',
      'AAL2 session is required to update email or password when MFA is enabled.',
    )
  }
  let newEmail = ''
  if (email && email.toLowerCase() !== user.email) {
    newEmail = validateEmail(email)
    const dup = await findUserByEmail(db(), newEmail)
    if (dup && dup.id !== user.id)
      throw unprocessable(
        'email_exists',
        'A user with this email address has already been registered',
      )
  }
  let hash: string | null = null
  if (password !== null && password !== '') {
    if (user.encrypted_password && (await verifyPassword(password, user.encrypted_password))) {
      throw unprocessable(
        'same_password',
        'New password should be different from the old password.',
      )
    }
    hash = await hashPassword(password)
  }
  await tx(async (c) => {
    if (hash !== null) {
      await c.query(
        `update auth.users set encrypted_password = $2, updated_at = now() where id = $1`,
        [user.id, hash],
      )
      // Auth ends every other session of the user when the password changes.
      if (auth.session)
        await c.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [
          user.id,
          auth.session.id,
        ])
      else await c.query(`delete from auth.sessions where user_id = $1`, [user.id])
      await audit(c, req, user, 'user_updated_password')
    }
    if (data) {
      // Auth merges user_metadata keys; a null value removes the key.
      await c.query(
        `update auth.users set raw_user_meta_data = jsonb_strip_nulls(coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb), updated_at = now() where id = $1`,
        [user.id, data],
      )
    }
    if (appData) {
      await c.query(
        `update auth.users set raw_app_meta_data = jsonb_strip_nulls(coalesce(raw_app_meta_data, '{}'::jsonb) || $2::jsonb), updated_at = now() where id = $1`,
        [user.id, appData],
      )
    }
    if (newEmail) await sendEmailChange(cfg, c, req, user, newEmail, referrer(cfg, req, ctx.query))
    await audit(c, req, user, 'user_modified')
  })
  ctx.json(200, await userJson(db(), (await findUserById(db(), user.id))!))
}

export const sessionRoutes: Route[] = [
  route('POST', '/token', token),
  route('POST', '/logout', logout),
  route('GET', '/user', userGet),
  route('PUT', '/user', userUpdate),
]
