// Email flows: /signup, /otp and /magiclink, /recover, /resend, /invite (admin) and /verify (GET and POST).
import { randomUUID } from 'node:crypto'
import type { PoolClient } from 'pg'
import { db, toIso, tx, type Row } from '../db.ts'
import { ApiError, badRequest, forbidden, unprocessable } from '../errors.ts'
import { obj, route, str, type Ctx, type Route } from '../http.ts'
import { validatePhone } from '../phone.ts'
import { sendEmailChange, sendOtpMail, tokenHash } from '../otp.ts'
import { checkPasswordStrength, hashPassword, randomPassword } from '../password.ts'
import { referrer } from '../redirect.ts'
import { issueSession, requireAdmin } from '../tokens.ts'
import {
  audit,
  confirmUser,
  createUser,
  findUserByEmail,
  findUserById,
  findUserByPhone,
  isBanned,
  isConfirmed,
  renderUser,
  userJson,
  validateEmail,
  verifyIdentityEmail,
} from '../users.ts'

function signupAllowed(ctx: Ctx) {
  if (!ctx.cfg.enableSignup || !ctx.cfg.emailEnableSignup)
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
}

/**
 * Auth's Signup after validation: creates the user (or leaves an unconfirmed one as it is, since
 * the caller's claim to the address is unproven), then confirms it (autoconfirm) or mails the
 * confirmation. `exists` is a confirmed user already holding the address.
 */
async function signupUser(
  ctx: Ctx,
  c: PoolClient,
  email: string,
  password: string,
  data: Row | undefined,
): Promise<{ user: Row; exists?: boolean; created?: boolean }> {
  const { cfg, req } = ctx
  const existing = await findUserByEmail(c, email)
  if (existing && isConfirmed(existing)) return { user: existing, exists: true }
  const user =
    existing ??
    (await createUser(c, {
      email,
      encryptedPassword: await hashPassword(password),
      userMetadata: data ?? {},
      signup: true,
    }))
  if (!cfg.enableConfirmations) {
    await audit(c, req, user, 'user_signedup', { provider: 'email' })
    await confirmUser(c, user)
  } else {
    await audit(c, req, user, 'user_confirmation_requested', { provider: 'email' })
    await sendOtpMail(cfg, c, req, user, 'signup', referrer(cfg, req, ctx.query))
  }
  return { user: (await findUserById(c, user.id))!, created: !existing }
}

async function signup(ctx: Ctx) {
  const { cfg, req } = ctx
  const body = await ctx.body()
  const rawEmail = str(body, 'email')
  const phone = str(body, 'phone')
  if (!rawEmail && !phone)
    throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
  if (!cfg.enableSignup)
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  // Auth's order: the password (present, then the policy) before anything about the address.
  const password = str(body, 'password')
  if (!password) throw badRequest('validation_failed', 'Signup requires a valid password')
  checkPasswordStrength(cfg, password)
  if (rawEmail && phone)
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on signup.',
    )
  if (phone) throw badRequest('phone_provider_disabled', 'Phone signups are disabled')
  if (!cfg.emailEnableSignup)
    throw badRequest('email_provider_disabled', 'Email signups are disabled')
  const email = validateEmail(rawEmail)
  const data = obj(body, 'data')
  const out = await tx(async (c) => {
    const { user, exists, created } = await signupUser(ctx, c, email, password, data)
    if (exists) return { exists: user }
    // Auth answers with the user as it loaded or made it, changed in memory: confirmed_at (a
    // generated column) is not there yet.
    const withoutConfirmedAt = (u: Row) => {
      delete u.confirmed_at
      return u
    }
    if (isConfirmed(user)) {
      await audit(c, req, user, 'login', { provider: 'email' })
      const token = await issueSession(cfg, c, req, user, { method: 'password' })
      withoutConfirmedAt(token.user)
      // A new user's identity data and user_metadata are one map in Auth's memory, so the
      // confirmation's email_verified shows in the identity too (the stored identity keeps false).
      if (created)
        for (const i of token.user.identities ?? [])
          if (i.provider === 'email') i.identity_data = { ...i.identity_data, email_verified: true }
      return { token }
    }
    const json = withoutConfirmedAt(await userJson(c, user))
    if (user.invited_at) {
      // An invited address: Auth leaves out what the invitation stored.
      json.user_metadata = {}
      json.identities = []
    }
    return { user: json }
  })
  if ('token' in out) return ctx.json(200, out.token)
  if (out.exists) {
    await tx((c) => audit(c, req, out.exists, 'user_repeated_signup', { provider: 'email' }))
    if (!cfg.enableConfirmations)
      throw unprocessable('user_already_exists', 'User already registered')
    // With confirmations on, Auth answers an address that is taken with an obfuscated user, so
    // sign-ups do not reveal accounts (its sanitizeUser: new id, no role, no dates, no identities).
    const now = new Date().toISOString()
    const factors = await db().query(
      `select * from auth.mfa_factors where user_id = $1 order by created_at, id`,
      [out.exists.id],
    )
    return ctx.json(
      200,
      renderUser(
        {
          ...out.exists,
          id: randomUUID(),
          role: '',
          email_change: '',
          phone: '',
          created_at: now,
          updated_at: now,
          confirmation_sent_at: now,
          last_sign_in_at: null,
          confirmed_at: null,
          email_change_sent_at: null,
          email_confirmed_at: null,
          phone_confirmed_at: null,
          raw_user_meta_data: data ?? {},
          raw_app_meta_data: { provider: 'email', providers: ['email'] },
        },
        [],
        factors.rows,
      ),
    )
  }
  ctx.json(200, out.user)
}

async function otp(ctx: Ctx) {
  const body = await ctx.body()
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  if (email && phone)
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided',
    )
  if (email && str(body, 'channel'))
    throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP')
  const data = obj(body, 'data')
  // Auth's shouldCreateUser: only create_user false looks the address up (an unknown one is 422);
  // otherwise a new address goes on to sign up, where a sign-up that is off is refused. Auth's
  // Otp handler checks only shouldCreateUser's ok, so a malformed address or number is 422
  // otp_disabled too (its validation error is dropped), not 400.
  if (body.create_user === false) {
    let found: unknown
    try {
      found = email
        ? await findUserByEmail(db(), validateEmail(email))
        : phone
          ? await findUserByPhone(db(), validatePhone(phone))
          : true
    } catch (e) {
      if (!(e instanceof ApiError) || e.status >= 500) throw e
      found = false
    }
    if (!found) throw unprocessable('otp_disabled', 'Signups not allowed for otp')
  }
  if (email) return magicLinkFor(ctx, email, data)
  if (phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider')
  throw badRequest('validation_failed', 'One of email or phone must be set')
}

async function magicLink(ctx: Ctx) {
  const body = await ctx.body()
  const email = str(body, 'email')
  if (!email) throw unprocessable('validation_failed', 'Password recovery requires an email')
  return magicLinkFor(ctx, email, obj(body, 'data'))
}

async function magicLinkFor(ctx: Ctx, rawEmail: string, data: Row | undefined) {
  const { cfg, req } = ctx
  const email = validateEmail(rawEmail)
  await tx(async (c) => {
    let user = await findUserByEmail(c, email)
    if (!user || !isConfirmed(user)) {
      // A new (or unconfirmed) address gets signed up with a random password and a confirmation
      // mail; with autoconfirm the sign-up confirms it and Auth goes on to mail the magic link.
      signupAllowed(ctx)
      user = (await signupUser(ctx, c, email, randomPassword(cfg), data)).user
      if (!isConfirmed(user)) return
    }
    await audit(c, req, user, 'user_recovery_requested')
    await sendOtpMail(cfg, c, req, user, 'magiclink', referrer(cfg, req, ctx.query))
  })
  ctx.json(200, {})
}

async function recover(ctx: Ctx) {
  const { cfg, req } = ctx
  const body = await ctx.body()
  const email = validateEmail(str(body, 'email'))
  await tx(async (c) => {
    const user = await findUserByEmail(c, email)
    if (!user) return // Auth does not reveal whether the address exists.
    await audit(c, req, user, 'user_recovery_requested')
    await sendOtpMail(cfg, c, req, user, 'recovery', referrer(cfg, req, ctx.query))
  })
  ctx.json(200, {})
}

async function resend(ctx: Ctx) {
  const { cfg, req } = ctx
  const body = await ctx.body()
  const type = str(body, 'type')
  const rawEmail = str(body, 'email')
  const phone = str(body, 'phone')
  // Auth's ResendConfirmationParams.Validate, in its order.
  if (!['signup', 'email_change', 'sms', 'phone_change'].includes(type)) {
    throw badRequest(
      'validation_failed',
      'Missing one of these types: signup, email_change, sms, phone_change',
    )
  }
  if (!rawEmail && type === 'signup')
    throw badRequest('validation_failed', 'Type provided requires an email address')
  if (!phone && type === 'sms')
    throw badRequest('validation_failed', 'Type provided requires a phone number')
  if (rawEmail && phone)
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided.',
    )
  if (phone) throw badRequest('phone_provider_disabled', 'Phone logins are disabled')
  if (!rawEmail) throw badRequest('validation_failed', 'Missing email address or phone number')
  const email = validateEmail(rawEmail)
  await tx(async (c) => {
    const user = await findUserByEmail(c, email)
    // Nothing is revealed: an unknown address, a confirmed one and one without a pending change
    // (or a phone change asked by email) all get 200 {}.
    if (!user) return
    const redirectTo = referrer(cfg, req, ctx.query)
    if (type === 'signup' && !isConfirmed(user)) {
      await audit(c, req, user, 'user_confirmation_requested')
      await sendOtpMail(cfg, c, req, user, 'signup', redirectTo)
    } else if (type === 'email_change' && user.email_change) {
      await sendEmailChange(cfg, c, req, user, user.email_change, redirectTo)
    }
  })
  ctx.json(200, {})
}

async function invite(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const body = await ctx.body()
  const email = validateEmail(str(body, 'email'))
  const data = obj(body, 'data')
  const user = await tx(async (c) => {
    let user = await findUserByEmail(c, email)
    if (user && isConfirmed(user))
      throw unprocessable(
        'email_exists',
        'A user with this email address has already been registered',
      )
    if (!user)
      user = await createUser(c, { email, encryptedPassword: '', userMetadata: data ?? {} })
    else if (data) {
      await c.query(
        `update auth.users set raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb where id = $1`,
        [user.id, data],
      )
      user = (await findUserById(c, user.id))!
    }
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'user_invited',
      { user_id: user.id, user_email: user.email },
      'team',
    )
    await sendOtpMail(cfg, c, req, user, 'invite', referrer(cfg, req, ctx.query))
    await c.query(`update auth.users set updated_at = now() where id = $1`, [user.id])
    return userJson(c, (await findUserById(c, user.id))!)
  })
  ctx.json(200, user)
}

// ---------- /verify --------------------------------------------------------------------
const emailTypes = ['signup', 'invite', 'magiclink', 'recovery', 'email_change', 'email']

function otpValid(
  hash: string,
  expected: string | null,
  sentAt: string | null,
  expiry: number,
): boolean {
  if (!expected || !sentAt) return false
  if (Date.now() > Date.parse(toIso(sentAt)!) + expiry * 1000) return false
  return hash === expected || `pkce_${hash}` === expected
}

async function findByTokenHash(c: PoolClient, type: string, hash: string): Promise<Row | null> {
  const col: Record<string, string> = {
    signup: 'confirmation_token = $1',
    invite: 'confirmation_token = $1',
    magiclink: 'recovery_token = $1',
    recovery: 'recovery_token = $1',
    email: '(confirmation_token = $1 or recovery_token = $1)',
    email_change: '(email_change_token_current = $1 or email_change_token_new = $1)',
  }
  const r = await c.query(
    `select * from auth.users where is_sso_user = false and ${col[type]} for update`,
    [hash],
  )
  return r.rows[0] ?? null
}

/** Finds and checks the user for a verification; returns the (possibly narrowed) type. */
async function verifyToken(
  ctx: Ctx,
  c: PoolClient,
  p: { type: string; hash: string; email: string; phone?: string; byHash: boolean },
) {
  const { cfg } = ctx
  let user: Row | null
  if (p.byHash) {
    if (!emailTypes.includes(p.type))
      throw badRequest('validation_failed', 'Invalid email verification type')
    user = await findByTokenHash(c, p.type, p.hash)
    if (!user) throw forbidden('otp_expired', 'Email link is invalid or has expired')
    if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
    const sentAt =
      p.type === 'signup' || p.type === 'invite'
        ? user.confirmation_sent_at
        : p.type === 'email_change'
          ? user.email_change_sent_at
          : p.type === 'email'
            ? user.confirmation_token === p.hash
              ? user.confirmation_sent_at
              : user.recovery_sent_at
            : user.recovery_sent_at
    if (!sentAt || Date.now() > Date.parse(toIso(sentAt)!) + cfg.otpExpiry * 1000)
      throw forbidden('otp_expired', 'Email link is invalid or has expired')
    let type = p.type
    if (type === 'email') type = user.confirmation_token === p.hash ? 'signup' : 'magiclink'
    return { user, type }
  }
  if (p.type === 'email_change') {
    const r = await c.query(
      `select * from auth.users where is_sso_user = false and (lower(email) = lower($1) or lower(email_change) = lower($1)) for update`,
      [p.email],
    )
    user =
      r.rows.find(
        (u) => u.email_change_token_current === p.hash || u.email_change_token_new === p.hash,
      ) ??
      r.rows[0] ??
      null
  } else if (p.type === 'sms' || p.type === 'phone_change') {
    // Auth looks phone OTPs up whether or not phone sign-in is on.
    const col = p.type === 'sms' ? 'phone' : 'phone_change'
    const r = p.phone
      ? await c.query(
          `select * from auth.users where ${col} = $1 and aud = 'authenticated' and is_sso_user = false limit 1 for update`,
          [p.phone],
        )
      : { rows: [] }
    user = r.rows[0] ?? null
  } else user = p.email ? await findUserByEmail(c, p.email) : null
  if (!user) throw forbidden('otp_expired', 'Token has expired or is invalid')
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
  let type = p.type
  let ok = false
  const e = cfg.otpExpiry
  switch (p.type) {
    case 'email':
      if (otpValid(p.hash, user.confirmation_token, user.confirmation_sent_at, e)) {
        ok = true
        type = 'signup'
      } else if (otpValid(p.hash, user.recovery_token, user.recovery_sent_at, e)) {
        ok = true
        type = 'magiclink'
      }
      break
    case 'signup':
    case 'invite':
      ok = otpValid(p.hash, user.confirmation_token, user.confirmation_sent_at, e)
      break
    case 'recovery':
    case 'magiclink':
      ok = otpValid(p.hash, user.recovery_token, user.recovery_sent_at, e)
      break
    case 'email_change':
      ok =
        otpValid(p.hash, user.email_change_token_current, user.email_change_sent_at, e) ||
        otpValid(p.hash, user.email_change_token_new, user.email_change_sent_at, e)
      break
    // sms and phone_change: the stand-in sends no SMS, so no phone token it holds can match.
  }
  if (!ok) throw forbidden('otp_expired', 'Token has expired or is invalid')
  return { user, type }
}

/** Applies the verification (confirm, recover, change email); returns the user to sign in, or null for a half-confirmed email change. */
async function applyVerification(
  ctx: Ctx,
  c: PoolClient,
  user: Row,
  type: string,
  hash: string,
): Promise<Row | null> {
  const { cfg, req } = ctx
  switch (type) {
    case 'signup':
    case 'invite': {
      if (!user.encrypted_password && user.invited_at) {
        await c.query(`update auth.users set encrypted_password = $2 where id = $1`, [
          user.id,
          await hashPassword(randomPassword(cfg, 64)),
        ])
      }
      await audit(c, req, user, 'user_signedup', { provider: 'email' })
      await confirmUser(c, user)
      await verifyIdentityEmail(c, user)
      break
    }
    case 'magiclink':
    case 'recovery': {
      await c.query(`update auth.users set recovery_token = '', updated_at = now() where id = $1`, [
        user.id,
      ])
      await c.query(
        `delete from auth.one_time_tokens where user_id = $1 and token_type = 'recovery_token'`,
        [user.id],
      )
      if (!isConfirmed(user)) {
        await audit(c, req, user, 'user_signedup', { provider: 'email' })
        await confirmUser(c, user)
      } else await audit(c, req, user, 'login')
      break
    }
    case 'email_change': {
      if (
        cfg.doubleConfirmChanges &&
        Number(user.email_change_confirm_status ?? 0) === 0 &&
        user.email
      ) {
        const col = user.email_change_token_current === hash ? 'current' : 'new'
        await c.query(
          `update auth.users set email_change_confirm_status = 1, email_change_token_${col} = '' where id = $1`,
          [user.id],
        )
        await c.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [
          user.id,
          `email_change_token_${col}`,
        ])
        return null
      }
      await audit(c, req, user, 'user_modified')
      await c.query(
        `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text, 'email_verified', true), updated_at = now()
          where user_id = $1 and provider = 'email'`,
        [user.id, user.email_change],
      )
      await c.query(
        `update auth.users set email = email_change, email_confirmed_at = coalesce(email_confirmed_at, now()), email_change = '',
            email_change_token_current = '', email_change_token_new = '', email_change_confirm_status = 0, updated_at = now() where id = $1`,
        [user.id],
      )
      await c.query(
        `delete from auth.one_time_tokens where user_id = $1 and token_type in ('email_change_token_current', 'email_change_token_new')`,
        [user.id],
      )
      break
    }
    default:
      throw badRequest('validation_failed', 'Unsupported verification type')
  }
  return (await findUserById(c, user.id))!
}

const singleConfirmationAccepted =
  'Confirmation link accepted. Please proceed to confirm link sent to the other email'

async function verifyPost(ctx: Ctx) {
  const body = await ctx.body()
  const type = str(body, 'type')
  const token = str(body, 'token')
  const tokenHashParam = str(body, 'token_hash')
  let email = str(body, 'email')
  let phone = str(body, 'phone')
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type')
  if ((!token && !tokenHashParam) || (token && tokenHashParam))
    throw badRequest('validation_failed', 'Verify requires either a token or a token hash')
  let hash = tokenHashParam
  if (token) {
    if (phone && !email) {
      phone = validatePhone(phone)
      hash = tokenHash(phone, token)
    } else if (email && !phone) {
      try {
        email = validateEmail(email)
      } catch {
        throw unprocessable('validation_failed', 'Invalid email format')
      }
      hash = tokenHash(email, token)
    } else
      throw badRequest(
        'validation_failed',
        'Only an email address or phone number should be provided on verify',
      )
  } else if (email || phone || str(body, 'redirect_to')) {
    throw badRequest('validation_failed', 'Only the token_hash and type should be provided')
  }
  const out = await tx(async (c) => {
    const found = await verifyToken(ctx, c, { type, hash, email, phone, byHash: !token })
    const user = await applyVerification(ctx, c, found.user, found.type, hash)
    if (!user) return null
    return issueSession(ctx.cfg, c, ctx.req, user, { method: 'otp' })
  })
  if (!out) return ctx.json(200, { msg: singleConfirmationAccepted, code: '200' })
  ctx.json(200, out)
}

export function fragment(params: Record<string, string>): string {
  const q = new URLSearchParams()
  for (const k of Object.keys(params).sort()) q.set(k, params[k]!)
  return q.toString()
}

export const oauthErrorMap: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized_client',
  403: 'access_denied',
  500: 'server_error',
  503: 'temporarily_unavailable',
}

async function verifyGet(ctx: Ctx) {
  const token = ctx.query.get('token') ?? ''
  const type = ctx.query.get('type') ?? ''
  const redirectTo = referrer(ctx.cfg, ctx.req, ctx.query)
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type')
  if (!token) throw badRequest('validation_failed', 'Verify requires a token or a token hash')
  try {
    const out = await tx(async (c) => {
      if (!['signup', 'invite', 'magiclink', 'recovery', 'email_change'].includes(type)) {
        throw badRequest('validation_failed', 'Unsupported verification type')
      }
      const found = await verifyToken(ctx, c, { type, hash: token, email: '', byHash: true })
      const user = await applyVerification(ctx, c, found.user, found.type, token)
      if (!user) return null
      return issueSession(ctx.cfg, c, ctx.req, user, { method: 'otp' })
    })
    if (!out) {
      const u = new URL(redirectTo)
      u.hash = fragment({ message: singleConfirmationAccepted, sb: '' })
      return ctx.redirect(303, u.toString())
    }
    const frag = fragment({
      access_token: out.access_token,
      expires_at: String(out.expires_at),
      expires_in: String(out.expires_in),
      refresh_token: out.refresh_token,
      sb: '',
      token_type: out.token_type,
      type,
    })
    ctx.redirect(303, `${redirectTo}#${frag}`)
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err
    let u: URL
    try {
      u = new URL(redirectTo)
    } catch {
      throw err
    }
    const p: Record<string, string> = {
      error_code: err.code,
      error_description: err.message,
      sb: '',
    }
    const oauthError = oauthErrorMap[err.status]
    if (oauthError) p.error = oauthError
    u.hash = fragment(p)
    ctx.redirect(303, u.toString())
  }
}

export const emailRoutes: Route[] = [
  route('POST', '/signup', signup),
  route('POST', '/otp', otp),
  route('POST', '/magiclink', magicLink),
  route('POST', '/recover', recover),
  route('POST', '/resend', resend),
  route('POST', '/invite', invite),
  route('GET', '/verify', verifyGet),
  route('POST', '/verify', verifyPost),
]
