// TOTP multi-factor authentication: POST /factors (enroll), /factors/{id}/challenge,
// /factors/{id}/verify (session steps up to aal2) and DELETE /factors/{id} (unenroll).
import { randomUUID } from 'node:crypto'
import * as OTPAuth from 'otpauth'
import { db, toIso, tx, type Row } from '../db.ts'
import { qrSvg, totpUri } from '../totp.ts'
import { ApiError, badRequest, forbidden, notFound, unprocessable } from '../errors.ts'
import {
  route,
  sendMethodNotAllowed,
  sendNotFound,
  str,
  under,
  type Ctx,
  type Route,
} from '../http.ts'
import {
  addAmrClaim,
  generateAccessToken,
  requireUser,
  swapRefreshToken,
  tokenResponse,
  type AuthContext,
} from '../tokens.ts'
import { audit, clientIp, findUserById } from '../users.ts'
import {
  deleteChallenge,
  deleteExpiredFactors,
  deleteOtherUnverifiedTotp,
  deleteFactor,
  findChallenge,
  findFactor,
  insertChallenge,
  insertTotpFactor,
  listFactors,
  markChallengeVerified,
  markFactorVerified,
} from '../data/factors.ts'
import {
  activeRefreshToken,
  deleteAmrClaim,
  deleteSessionsBelowAal2,
  dropSessionsToAal1,
  stepUpSession,
} from '../data/sessions.ts'

function requireSession(auth: AuthContext): Row {
  if (!auth.session)
    throw new ApiError(
      500,
      'unexpected_failure',
      'A valid session and a registered user are required to enroll a factor',
    )
  return auth.session
}

async function enroll(ctx: Ctx) {
  const { cfg, req } = ctx
  const auth = await requireUser(cfg, db(), req)
  const body = await ctx.body()
  const type = str(body, 'factor_type')
  const friendlyName = str(body, 'friendly_name')
  const issuerParam = str(body, 'issuer')
  if (type === 'phone')
    throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone')
  if (type === 'webauthn')
    throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn')
  if (type !== 'totp')
    throw badRequest('validation_failed', 'factor_type needs to be totp, phone, or webauthn')
  if (!cfg.totpEnroll)
    throw unprocessable('mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP')
  const session = requireSession(auth)
  const user = auth.user
  const issuer = issuerParam || new URL(cfg.siteUrl).host
  const out = await tx(async (c) => {
    // Unverified factors older than a day expire, as Auth's DeleteExpiredFactors.
    await deleteExpiredFactors(c, user.id)
    const factors = await listFactors(c, user.id, true)
    if (factors.some((f) => (f.friendly_name ?? '') === friendlyName)) {
      throw unprocessable(
        'mfa_factor_name_conflict',
        `A factor with the friendly name ${JSON.stringify(friendlyName)} for this user already exists`,
      )
    }
    const verified = factors.filter((f) => f.status === 'verified').length
    if (factors.length >= cfg.mfaMaxFactors)
      throw unprocessable(
        'too_many_enrolled_mfa_factors',
        'Maximum number of verified factors reached, unenroll to continue',
      )
    if (verified > 0 && session.aal !== 'aal2')
      throw forbidden('insufficient_aal', 'AAL2 required to enroll a new factor')
    const secret = new OTPAuth.Secret({ size: 20 })
    const uri = totpUri(issuer, user.email ?? '', secret.base32)
    const svg = qrSvg(uri)
    const id = randomUUID()
    await insertTotpFactor(c, { id, userId: user.id, friendlyName, secret: secret.base32 })
    await audit(c, req, user, 'factor_in_progress', { factor_id: id }, 'factor')
    return {
      id,
      type: 'totp',
      friendly_name: friendlyName,
      totp: { qr_code: svg, secret: secret.base32, uri },
    }
  })
  ctx.json(200, out)
}

/** Auth's loadFactor: a factor of the signed-in user; anyone else's is "not found" too. */
async function loadFactor(ctx: Ctx, auth: AuthContext): Promise<Row> {
  const id = ctx.params.factor_id ?? ''
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(id))
    throw notFound('validation_failed', 'factor_id must be an UUID')
  const factor = await findFactor(db(), id, auth.user.id)
  if (!factor) throw notFound('mfa_factor_not_found', 'Factor not found')
  return factor
}

/**
 * Any other request under /factors/{factor_id}: Auth's middleware (a signed-in user, then the
 * factor) answers before its router finds no such route.
 */
async function underFactor(ctx: Ctx) {
  const auth = await requireUser(ctx.cfg, db(), ctx.req)
  ctx.params.factor_id = decodeURIComponent(ctx.path.split('/')[2] ?? '')
  await loadFactor(ctx, auth)
  if (/^\/factors\/[^/]+(\/(challenge|verify))?\/?$/.test(ctx.path)) sendMethodNotAllowed(ctx.res)
  else sendNotFound(ctx.res)
}

async function challenge(ctx: Ctx) {
  const { cfg, req } = ctx
  const auth = await requireUser(cfg, db(), req)
  await ctx.body()
  const factor = await loadFactor(ctx, auth)
  if (factor.factor_type !== 'totp')
    throw unprocessable('mfa_phone_verify_not_enabled', 'MFA verification is disabled for Phone')
  if (!cfg.totpVerify)
    throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP')
  const out = await tx(async (c) => {
    const id = randomUUID()
    const createdAt = await insertChallenge(c, { id, factorId: factor.id, ip: clientIp(req) })
    await audit(
      c,
      req,
      auth.user,
      'challenge_created',
      { factor_id: factor.id, factor_status: factor.status },
      'factor',
    )
    const created = Date.parse(toIso(createdAt)!)
    return { id, type: 'totp', expires_at: Math.floor(created / 1000) + cfg.mfaChallengeExpiry }
  })
  ctx.json(200, out)
}

async function verify(ctx: Ctx) {
  const { cfg, req } = ctx
  const auth = await requireUser(cfg, db(), req)
  const body = await ctx.body()
  const challengeId = str(body, 'challenge_id')
  const code = str(body, 'code')
  const factor = await loadFactor(ctx, auth)
  if (!code) throw badRequest('validation_failed', 'Code needs to be non-empty')
  if (!cfg.totpVerify)
    throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP')
  const session = requireSession(auth)
  const ch = /^[0-9a-f-]{36}$/i.test(challengeId)
    ? await findChallenge(db(), challengeId, factor.id)
    : null
  if (!ch)
    throw unprocessable(
      'mfa_factor_not_found',
      'MFA factor with the provided challenge ID not found',
    )
  if (Date.now() > Date.parse(toIso(ch.created_at)!) + cfg.mfaChallengeExpiry * 1000) {
    await deleteChallenge(db(), ch.id)
    throw unprocessable(
      'mfa_challenge_expired',
      `MFA challenge ${ch.id} has expired, verify against another challenge or create a new challenge.`,
    )
  }
  const totp = new OTPAuth.TOTP({
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(factor.secret),
  })
  const valid = totp.validate({ token: code, window: 1 }) !== null
  if (!valid) throw unprocessable('mfa_verification_failed', 'Invalid TOTP code entered')
  const out = await tx(async (c) => {
    await audit(
      c,
      req,
      auth.user,
      'verification_attempted',
      { factor_id: factor.id, challenge_id: ch.id, factor_type: 'totp' },
      'factor',
    )
    await markChallengeVerified(c, ch.id)
    if (factor.status !== 'verified') await markFactorVerified(c, factor.id)
    await addAmrClaim(c, session.id, 'totp')
    // Rotate the session's refresh token, as Auth's updateMFASessionAndClaims.
    const current = await activeRefreshToken(c, session.id, true)
    const user = (await findUserById(c, auth.user.id))!
    const refresh = current ? await swapRefreshToken(c, user, current) : ''
    await stepUpSession(c, session.id, factor.id)
    const { token, exp } = await generateAccessToken(cfg, c, user, session.id, 'totp')
    // Other sessions below aal2 end, and other unverified TOTP factors go, as in Auth.
    await deleteSessionsBelowAal2(c, user.id, session.id)
    await deleteOtherUnverifiedTotp(c, user.id, factor.id)
    return tokenResponse(cfg, c, user, token, exp, refresh)
  })
  ctx.json(200, out)
}

async function unenroll(ctx: Ctx) {
  const { cfg, req } = ctx
  const auth = await requireUser(cfg, db(), req)
  const factor = await loadFactor(ctx, auth)
  const session = auth.session
  if (!session)
    throw new ApiError(
      500,
      'unexpected_failure',
      'A valid session and factor are required to unenroll a factor',
    )
  if (factor.status === 'verified' && session.aal !== 'aal2')
    throw unprocessable('insufficient_aal', 'AAL2 required to unenroll verified factor')
  await tx(async (c) => {
    await deleteFactor(c, factor.id, auth.user.id)
    await audit(
      c,
      req,
      auth.user,
      'factor_unenrolled',
      { factor_id: factor.id, factor_status: factor.status },
      'factor',
    )
    // Sessions that stepped up with this factor drop back to aal1.
    await dropSessionsToAal1(c, factor.id)
    await deleteAmrClaim(c, session.id, 'totp')
  })
  ctx.json(200, { id: factor.id })
}

export const factorRoutes: Route[] = [
  route('POST', '/factors', enroll),
  route('POST', '/factors/{factor_id}/challenge', challenge),
  route('POST', '/factors/{factor_id}/verify', verify),
  route('DELETE', '/factors/{factor_id}', unenroll),
  under('/factors/[^/]+', underFactor),
]
