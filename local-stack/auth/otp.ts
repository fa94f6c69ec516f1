// One-time tokens, as Auth stores them: a numeric OTP mailed to the user, its hash
// (sha224 hex of email + otp) in the user's token column and in auth.one_time_tokens.
import { createHash, randomInt } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { AuthConfig } from './config.ts'
import type { Db, Row } from './db.ts'
import { toIso } from './db.ts'
import { tooMany } from './errors.ts'
import { sendMail, type MailKind } from './mail.ts'
import { replaceOneTimeToken, type TokenType } from './data/oneTimeTokens.ts'
import { NOW, setUserFields, type UserColumn } from './data/users.ts'

export type { TokenType }

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

const columns: Record<string, { token: UserColumn; sentAt: UserColumn; type: TokenType }> = {
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
  await setUserFields(c, user.id, {
    [col.token]: hash,
    [col.sentAt]: NOW,
    ...(kind === 'invite' ? { invited_at: NOW } : {}),
  })
  await replaceOneTimeToken(c, user.id, col.type, hash, user.email)
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
  await setUserFields(c, user.id, {
    email_change: newEmail,
    email_change_token_new: hashNew,
    email_change_token_current: hashCur,
    email_change_sent_at: NOW,
    email_change_confirm_status: 0,
    updated_at: NOW,
  })
  await replaceOneTimeToken(c, user.id, 'email_change_token_new', hashNew, newEmail)
  if (secure)
    await replaceOneTimeToken(c, user.id, 'email_change_token_current', hashCur, user.email)
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
  await setUserFields(c, user.id, { reauthentication_token: hash, reauthentication_sent_at: NOW })
  await replaceOneTimeToken(c, user.id, 'reauthentication_token', hash, user.email)
}
