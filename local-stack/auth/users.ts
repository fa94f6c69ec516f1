// Users as Auth's models handle them: creating, confirming, auditing, and rendering them as
// Auth's JSON (field names, order and omissions as Auth's models serialise them).
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Db, Row } from './db.ts'
import { toIso } from './db.ts'
import { badRequest } from './errors.ts'
import { insertAuditEntry } from './data/audit.ts'
import { listFactors } from './data/factors.ts'
import { insertIdentity, listIdentities, markIdentityEmailVerified } from './data/identities.ts'
import { deleteOneTimeTokens } from './data/oneTimeTokens.ts'
import {
  INSTANCE_ID,
  confirmUserEmail,
  confirmUserPhone,
  findUserById,
  insertUser,
} from './data/users.ts'

export { INSTANCE_ID, findUserById, insertIdentity }
export { findUserByEmail, findUserByPhone } from './data/users.ts'

export function isBanned(user: Row): boolean {
  return user.banned_until != null && Date.parse(toIso(user.banned_until)!) > Date.now()
}

export function isConfirmed(user: Row): boolean {
  return user.email_confirmed_at != null
}

/** Auth's email validation (lower-cases the address). */
export function validateEmail(email: unknown): string {
  if (typeof email !== 'string' || email === '')
    throw badRequest('validation_failed', 'An email address is required')
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long')
  if (
    !/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(
      email,
    )
  ) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  }
  return email.toLowerCase()
}

export type NewUser = {
  id?: string
  /** null for a phone-only user (the admin API makes those). */
  email: string | null
  /** Digits only, as validatePhone leaves it. */
  phone?: string | null
  encryptedPassword: string | null
  userMetadata?: Row
  appMetadata?: Row
  invited?: boolean
  role?: string
  provider?: string
  /**
   * A /signup (also /otp and /magiclink for new addresses): Auth adds the sign-up `data` to the
   * email identity's data and then makes that the user's metadata (RemoveUnconfirmedIdentities),
   * so user_metadata carries sub, email, email_verified and phone_verified beside `data`.
   */
  signup?: boolean
}

/** Inserts a user with every column as Auth writes it ('' in the token columns) and its email and/or phone identity. */
export async function createUser(c: Db, u: NewUser): Promise<Row> {
  const id = u.id ?? randomUUID()
  const providers = u.provider
    ? [u.provider]
    : [...(u.email ? ['email'] : []), ...(u.phone ? ['phone'] : [])]
  const app = { provider: providers[0], providers, ...(u.appMetadata ?? {}) }
  const identityData: Row = {
    sub: id,
    email: u.email,
    email_verified: false,
    phone_verified: false,
  }
  let userMetadata = u.userMetadata ?? {}
  if (u.signup) {
    // The identity's own claims win over `data` keys of the same name.
    for (const [k, v] of Object.entries(userMetadata)) if (!(k in identityData)) identityData[k] = v
    userMetadata = identityData
  }
  await insertUser(c, {
    id,
    role: u.role ?? 'authenticated',
    email: u.email,
    phone: u.phone || null,
    encryptedPassword: u.encryptedPassword ?? '',
    invited: !!u.invited,
    appMetadata: app,
    userMetadata,
  })
  if (u.email) await insertIdentity(c, id, 'email', identityData)
  if (u.phone)
    await insertIdentity(c, id, 'phone', {
      sub: id,
      phone: u.phone,
      email_verified: false,
      phone_verified: false,
    })
  return (await findUserById(c, id))!
}

/** Auth's ConfirmPhone: phone_confirmed_at, and the user's one-time tokens gone. */
export async function confirmPhone(c: Db, user: Row) {
  await confirmUserPhone(c, user.id)
  await deleteOneTimeTokens(c, user.id)
}

export async function audit(
  c: Db,
  req: IncomingMessage,
  actor: Row | null,
  action: string,
  traits?: Row,
  logType = 'account',
) {
  const payload: Row = {
    actor_id: actor?.id ?? '00000000-0000-0000-0000-000000000000',
    actor_username: actor?.email ?? '',
    actor_via_sso: !!actor?.is_sso_user,
    action,
    log_type: logType,
  }
  if (actor?.raw_user_meta_data?.full_name) payload.actor_name = actor.raw_user_meta_data.full_name
  if (traits) payload.traits = traits
  await insertAuditEntry(c, payload, clientIp(req))
}

export function clientIp(req: IncomingMessage): string {
  const fwd = req.headers['x-forwarded-for']
  const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim()
  return first || req.socket.remoteAddress || ''
}

/**
 * Confirms the email, as Auth's user.Confirm: email_confirmed_at, email_verified in user_metadata,
 * and every one-time token of the user gone. The email identity is left alone: only a signup or
 * invite verification marks it verified (verifyIdentityEmail).
 */
export async function confirmUser(c: Db, user: Row) {
  await confirmUserEmail(c, user.id)
  await deleteOneTimeTokens(c, user.id)
}

/** Auth's signupVerify: the identities holding the user's address get email_verified = true. */
export async function verifyIdentityEmail(c: Db, user: Row) {
  await markIdentityEmailVerified(c, user.id, user.email ?? '')
}

function factorJson(f: Row): Row {
  const out: Row = {
    id: f.id,
    created_at: toIso(f.created_at),
    updated_at: toIso(f.updated_at),
    status: f.status,
  }
  if (f.friendly_name) out.friendly_name = f.friendly_name
  out.factor_type = f.factor_type
  out.phone = f.phone ?? ''
  out.last_challenged_at = toIso(f.last_challenged_at)
  return out
}

export function identityJson(i: Row): Row {
  const out: Row = { identity_id: i.id, id: i.provider_id, user_id: i.user_id }
  if (i.identity_data && Object.keys(i.identity_data).length) out.identity_data = i.identity_data
  out.provider = i.provider
  if (i.last_sign_in_at) out.last_sign_in_at = toIso(i.last_sign_in_at)
  out.created_at = toIso(i.created_at)
  out.updated_at = toIso(i.updated_at)
  if (i.email) out.email = i.email
  return out
}

/** The user as Auth's JSON, with its identities and factors loaded. */
export async function userJson(c: Db, user: Row): Promise<Row> {
  const [ids, factors] = await Promise.all([listIdentities(c, user.id), listFactors(c, user.id)])
  return renderUser(user, ids, factors)
}

/** `identities` null is how Auth renders users it loaded without their identities (the admin list). */
export function renderUser(user: Row, identities: Row[] | null, factors: Row[]): Row {
  const out: Row = {
    id: user.id,
    aud: user.aud ?? '',
    role: user.role ?? '',
    email: user.email ?? '',
  }
  const opt = (key: string, v: unknown) => {
    if (v != null && v !== '') out[key] = v
  }
  opt('email_confirmed_at', toIso(user.email_confirmed_at))
  opt('invited_at', toIso(user.invited_at))
  out.phone = user.phone ?? ''
  opt('phone_confirmed_at', toIso(user.phone_confirmed_at))
  opt('confirmation_sent_at', toIso(user.confirmation_sent_at))
  opt('confirmed_at', toIso(user.confirmed_at))
  opt('recovery_sent_at', toIso(user.recovery_sent_at))
  opt('new_email', user.email_change)
  opt('email_change_sent_at', toIso(user.email_change_sent_at))
  opt('new_phone', user.phone_change)
  opt('phone_change_sent_at', toIso(user.phone_change_sent_at))
  opt('reauthentication_sent_at', toIso(user.reauthentication_sent_at))
  opt('last_sign_in_at', toIso(user.last_sign_in_at))
  out.app_metadata = user.raw_app_meta_data ?? {}
  out.user_metadata = user.raw_user_meta_data ?? {}
  if (factors.length) out.factors = factors.map(factorJson)
  out.identities = identities ? identities.map(identityJson) : null
  out.created_at = toIso(user.created_at)
  out.updated_at = toIso(user.updated_at)
  opt('banned_until', toIso(user.banned_until))
  opt('deleted_at', toIso(user.deleted_at))
  out.is_anonymous = !!user.is_anonymous
  return out
}

export { factorJson }
