// One-time tokens, as Auth stores them: a numeric OTP mailed to the user, its hash
// (sha224 hex of email + otp) in the user's token column and in auth.one_time_tokens.
import { createHash, randomInt } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { AuthConfig } from './config.ts'
import type { Db, Row } from './db.ts'
import { toIso } from './db.ts'
import { tooMany } from './errors.ts'
import { sendMail, type MailKind } from './mail.ts'

export function generateOtp(length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += String(randomInt(10))
  return s
}

export function tokenHash(emailOrPhone: string, otp: string): string {
  return createHash('sha224')
    .update(emailOrPhone + otp)
    .digest('hex')
}

export type TokenType =
  | 'confirmation_token'
  | 'recovery_token'
  | 'email_change_token_new'
  | 'email_change_token_current'
  | 'reauthentication_token'

export async function storeOneTimeToken(
  c: Db,
  userId: string,
  type: TokenType,
  hash: string,
  relatesTo: string,
) {
  await c.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [
    userId,
    type,
  ])
  await c.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, $4, now(), now())`,
    [userId, type, hash, relatesTo],
  )
}

/** Auth's validateSentWithinFrequencyLimit (SMTP max_frequency). */
export function checkFrequency(cfg: AuthConfig, sentAt: string | null) {
  if (!sentAt) return
  const until = Date.parse(toIso(sentAt)!) + cfg.maxFrequency * 1000
  if (until > Date.now()) {
    const left = Math.floor((until - Date.now()) / 1000)
    throw tooMany(
      'over_email_send_rate_limit',
      `For security purposes, you can only request this after ${left} seconds.`,
    )
  }
}

// [auth.rate_limit] email_sent: mails per hour, for the whole server, as Auth's limiter.
const sent: number[] = []
function takeEmailSlot(cfg: AuthConfig) {
  const hourAgo = Date.now() - 3600_000
  while (sent.length && sent[0]! < hourAgo) sent.shift()
  if (sent.length >= cfg.emailSentPerHour)
    throw tooMany('over_email_send_rate_limit', 'email rate limit exceeded')
  sent.push(Date.now())
}

const columns: Record<string, { token: string; sentAt: string; type: TokenType }> = {
  confirmation: {
    token: 'confirmation_token',
    sentAt: 'confirmation_sent_at',
    type: 'confirmation_token',
  },
  recovery: { token: 'recovery_token', sentAt: 'recovery_sent_at', type: 'recovery_token' },
}

/**
 * Issues a one-time token of `kind` for the user, stores its hash and mails it with the template.
 * kind: invite|signup use confirmation_token; magiclink|recovery use recovery_token.
 */
export async function sendOtpMail(
  cfg: AuthConfig,
  c: Db,
  _req: IncomingMessage,
  user: Row,
  kind: 'invite' | 'signup' | 'magiclink' | 'recovery',
  redirectTo: string,
  { checkFreq = true }: { checkFreq?: boolean } = {},
) {
  const col = kind === 'invite' || kind === 'signup' ? columns.confirmation! : columns.recovery!
  if (checkFreq && kind !== 'invite') checkFrequency(cfg, user[col.sentAt])
  const otp = generateOtp(cfg.otpLength)
  const hash = tokenHash(user.email, otp)
  takeEmailSlot(cfg)
  const extra = kind === 'invite' ? ', invited_at = now()' : ''
  await c.query(
    `update auth.users set ${col.token} = $2, ${col.sentAt} = now()${extra} where id = $1`,
    [user.id, hash],
  )
  await storeOneTimeToken(c, user.id, col.type, hash, user.email)
  const template: MailKind =
    kind === 'signup' ? 'confirmation' : kind === 'magiclink' ? 'magic_link' : kind
  await sendMail(cfg, template, user.email, {
    token: otp,
    tokenHash: hash,
    redirectTo,
    email: user.email,
    data: user.raw_user_meta_data ?? {},
    type: kind,
  })
}

/**
 * Auth's sendEmailChange (PUT /user with a new address, /resend of email_change): a token for the
 * new address, and with secure email change one for the current address too, each mailed.
 */
export async function sendEmailChange(
  cfg: AuthConfig,
  c: Db,
  _req: IncomingMessage,
  user: Row,
  newEmail: string,
  redirectTo: string,
) {
  checkFrequency(cfg, user.email_change_sent_at)
  const otpNew = generateOtp(cfg.otpLength)
  const hashNew = tokenHash(newEmail, otpNew)
  const secure = cfg.doubleConfirmChanges && !!user.email
  const otpCur = secure ? generateOtp(cfg.otpLength) : ''
  const hashCur = secure ? tokenHash(user.email, otpCur) : ''
  await c.query(
    `update auth.users set email_change = $2, email_change_token_new = $3, email_change_token_current = $4,
        email_change_sent_at = now(), email_change_confirm_status = 0, updated_at = now() where id = $1`,
    [user.id, newEmail, hashNew, hashCur],
  )
  await storeOneTimeToken(c, user.id, 'email_change_token_new', hashNew, newEmail)
  if (secure) await storeOneTimeToken(c, user.id, 'email_change_token_current', hashCur, user.email)
  const base = {
    redirectTo,
    email: user.email,
    data: user.raw_user_meta_data ?? {},
    type: 'email_change',
    newEmail,
  }
  takeEmailSlot(cfg)
  await sendMail(cfg, 'email_change', newEmail, { ...base, token: otpNew, tokenHash: hashNew })
  if (secure)
    await sendMail(cfg, 'email_change', user.email, { ...base, token: otpCur, tokenHash: hashCur })
}

/** Auth's sendReauthenticationOtp (GET /reauthenticate): a nonce mailed to the user's address. */
export async function sendReauthentication(cfg: AuthConfig, c: Db, user: Row) {
  checkFrequency(cfg, user.reauthentication_sent_at)
  const otp = generateOtp(cfg.otpLength)
  const hash = tokenHash(user.email, otp)
  takeEmailSlot(cfg)
  await sendMail(cfg, 'reauthentication', user.email, {
    token: otp,
    tokenHash: hash,
    redirectTo: cfg.siteUrl,
    email: user.email,
    data: user.raw_user_meta_data ?? {},
    type: 'reauthentication',
  })
  await c.query(
    `update auth.users set reauthentication_token = $2, reauthentication_sent_at = now() where id = $1`,
    [user.id, hash],
  )
  await storeOneTimeToken(c, user.id, 'reauthentication_token', hash, user.email)
}
