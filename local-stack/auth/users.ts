// auth.users, auth.identities and auth.audit_log_entries: reading, writing and rendering them as
// Auth's JSON (field names, order and omissions as Auth's models serialise them).
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Db, Row } from './db.ts'
import { toIso } from './db.ts'
import { badRequest } from './errors.ts'

export const INSTANCE_ID = '00000000-0000-0000-0000-000000000000'

export async function findUserById(c: Db, id: string, forUpdate = false): Promise<Row | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null
  const r = await c.query(
    `select * from auth.users where id = $1 ${forUpdate ? 'for update' : ''}`,
    [id],
  )
  return r.rows[0] ?? null
}

export async function findUserByEmail(
  c: Db,
  email: string,
  aud = 'authenticated',
): Promise<Row | null> {
  const r = await c.query(
    `select * from auth.users where instance_id = $1 and lower(email) = lower($2) and aud = $3 and is_sso_user = false limit 1`,
    [INSTANCE_ID, email, aud],
  )
  return r.rows[0] ?? null
}

/** Auth's FindUserByPhoneAndAudience (`phone` as validatePhone leaves it: digits only). */
export async function findUserByPhone(c: Db, phone: string): Promise<Row | null> {
  const r = await c.query(
    `select * from auth.users where instance_id = $1 and phone = $2 and aud = 'authenticated' and is_sso_user = false limit 1`,
    [INSTANCE_ID, phone],
  )
  return r.rows[0] ?? null
}

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
  await c.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
        confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
        phone_change, phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data,
        is_super_admin, created_at, updated_at, is_sso_user, is_anonymous, email_change_confirm_status, phone)
     values ($1, $2, 'authenticated', $3, $4, $5, null, case when $6 then now() end,
        '', '', '', '', '', '', '', '', $7, $8, null, now(), now(), false, false, 0, $9)`,
    [
      INSTANCE_ID,
      id,
      u.role ?? 'authenticated',
      u.email,
      u.encryptedPassword ?? '',
      !!u.invited,
      app,
      userMetadata,
      u.phone || null,
    ],
  )
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

/**
 * An identity as Auth's NewIdentity makes it: provider_id is the data's sub. Stamped with the
 * clock, not the transaction's start, so a user's identities keep the order they were made in.
 */
export async function insertIdentity(c: Db, userId: string, provider: string, data: Row) {
  await c.query(
    `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values (gen_random_uuid(), $1::text, $2::uuid, $3, $4, clock_timestamp(), clock_timestamp(), clock_timestamp())`,
    [data.sub, userId, data, provider],
  )
}

/** Auth's ConfirmPhone: phone_confirmed_at, and the user's one-time tokens gone. */
export async function confirmPhone(c: Db, user: Row) {
  await c.query(
    `update auth.users set phone_confirmed_at = now(), confirmation_token = '', updated_at = now() where id = $1`,
    [user.id],
  )
  await c.query(`delete from auth.one_time_tokens where user_id = $1`, [user.id])
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
  await c.query(
    `insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) values ($1, gen_random_uuid(), $2, now(), $3)`,
    [INSTANCE_ID, JSON.stringify(payload), clientIp(req)],
  )
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
  await c.query(
    `update auth.users set email_confirmed_at = now(), confirmation_token = '',
        raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb,
        updated_at = now() where id = $1`,
    [user.id],
  )
  await c.query(`delete from auth.one_time_tokens where user_id = $1`, [user.id])
}

/** Auth's signupVerify: the identities holding the user's address get email_verified = true. */
export async function verifyIdentityEmail(c: Db, user: Row) {
  await c.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
      where user_id = $1 and email is not null and email = $2`,
    [user.id, user.email ?? ''],
  )
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
  const [ids, factors] = await Promise.all([
    c.query(`select * from auth.identities where user_id = $1 order by created_at, id`, [user.id]),
    c.query(`select * from auth.mfa_factors where user_id = $1 order by created_at, id`, [user.id]),
  ])
  return renderUser(user, ids.rows, factors.rows)
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
