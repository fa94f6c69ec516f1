// auth.users: every statement the local Auth runs on it. Route handlers and the domain modules
// (users.ts, otp.ts, tokens.ts) call these instead of writing SQL.
import type { Db, Row } from '../db.ts'

export const INSTANCE_ID = '00000000-0000-0000-0000-000000000000'

/** A column value that is the statement's clock (`now()`), not a parameter. */
export const NOW = Symbol('now()')

/** The columns the stand-in writes one value at a time. */
export type UserColumn =
  | 'email'
  | 'phone'
  | 'encrypted_password'
  | 'role'
  | 'banned_until'
  | 'updated_at'
  | 'invited_at'
  | 'last_sign_in_at'
  | 'confirmation_token'
  | 'confirmation_sent_at'
  | 'recovery_token'
  | 'recovery_sent_at'
  | 'reauthentication_token'
  | 'reauthentication_sent_at'
  | 'email_change'
  | 'email_change_sent_at'
  | 'email_change_confirm_status'
  | 'email_change_token_current'
  | 'email_change_token_new'

export type UserFields = Partial<Record<UserColumn, unknown>>

const UUID = /^[0-9a-f-]{36}$/i

export async function findUserById(c: Db, id: string, forUpdate = false): Promise<Row | null> {
  if (!UUID.test(id)) return null
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

/** Which token columns a link of each verification type may match. */
const tokenColumns: Record<string, string> = {
  signup: 'confirmation_token = $1',
  invite: 'confirmation_token = $1',
  magiclink: 'recovery_token = $1',
  recovery: 'recovery_token = $1',
  email: '(confirmation_token = $1 or recovery_token = $1)',
  email_change: '(email_change_token_current = $1 or email_change_token_new = $1)',
}

/** The user a link's token hash belongs to, locked for the verification. */
export async function lockUserByTokenHash(c: Db, type: string, hash: string): Promise<Row | null> {
  const where = tokenColumns[type]
  if (!where) return null
  const r = await c.query(
    `select * from auth.users where is_sso_user = false and ${where} for update`,
    [hash],
  )
  return r.rows[0] ?? null
}

/** The users whose current or pending address is `email`, locked (an email-change OTP). */
export async function lockUsersByEmailOrPendingEmail(c: Db, email: string): Promise<Row[]> {
  const r = await c.query(
    `select * from auth.users where is_sso_user = false and (lower(email) = lower($1) or lower(email_change) = lower($1)) for update`,
    [email],
  )
  return r.rows
}

/** The user holding `phone` as its number (`phone`) or pending number (`phone_change`), locked. */
export async function lockUserByPhone(
  c: Db,
  column: 'phone' | 'phone_change',
  phone: string,
): Promise<Row | null> {
  const r = await c.query(
    `select * from auth.users where ${column} = $1 and aud = 'authenticated' and is_sso_user = false limit 1 for update`,
    [phone],
  )
  return r.rows[0] ?? null
}

/** A page of users, newest first, and how many match (the admin API's list). */
export async function listUsers(
  c: Db,
  p: { filter: string; limit: number; offset: number },
): Promise<{ total: number; rows: Row[] }> {
  // Auth matches the address case-sensitively (LIKE) and full_name case-insensitively.
  const where =
    `instance_id = '${INSTANCE_ID}' and aud = 'authenticated'` +
    (p.filter ? ` and (email like $1 or raw_user_meta_data->>'full_name' ilike $1)` : '')
  const like = p.filter ? [`%${p.filter}%`] : []
  const n = like.length
  const [count, rows] = await Promise.all([
    c.query(`select count(*)::int as n from auth.users where ${where}`, like),
    c.query(
      `select * from auth.users where ${where} order by created_at desc, id limit $${n + 1} offset $${n + 2}`,
      [...like, p.limit, p.offset],
    ),
  ])
  return { total: count.rows[0].n as number, rows: rows.rows }
}

/** Inserts a user with every column as Auth writes it ('' in the token columns). */
export async function insertUser(
  c: Db,
  u: {
    id: string
    role: string
    email: string | null
    phone: string | null
    encryptedPassword: string
    invited: boolean
    appMetadata: Row
    userMetadata: Row
  },
) {
  await c.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
        confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
        phone_change, phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data,
        is_super_admin, created_at, updated_at, is_sso_user, is_anonymous, email_change_confirm_status, phone)
     values ($1, $2, 'authenticated', $3, $4, $5, null, case when $6 then now() end,
        '', '', '', '', '', '', '', '', $7, $8, null, now(), now(), false, false, 0, $9)`,
    [
      INSTANCE_ID,
      u.id,
      u.role,
      u.email,
      u.encryptedPassword,
      u.invited,
      u.appMetadata,
      u.userMetadata,
      u.phone,
    ],
  )
}

/** Sets the given columns of one user; `NOW` stands for the statement's clock. */
export async function setUserFields(c: Db, id: string, fields: UserFields) {
  const sets: string[] = []
  const args: unknown[] = [id]
  for (const [column, value] of Object.entries(fields)) {
    if (value === NOW) sets.push(`${column} = now()`)
    else {
      args.push(value)
      sets.push(`${column} = $${args.length}`)
    }
  }
  if (sets.length) await c.query(`update auth.users set ${sets.join(', ')} where id = $1`, args)
}

/**
 * Merges keys into raw_user_meta_data or raw_app_meta_data. With `stripNulls`, a null value
 * removes its key (the admin API and PUT /user); `touch` also stamps updated_at.
 */
export async function mergeUserMetadata(
  c: Db,
  id: string,
  which: 'user' | 'app',
  data: Row,
  opts: { stripNulls: boolean; touch?: boolean },
) {
  const column = which === 'user' ? 'raw_user_meta_data' : 'raw_app_meta_data'
  const merged = `coalesce(${column}, '{}'::jsonb) || $2::jsonb`
  await c.query(
    `update auth.users set ${column} = ${opts.stripNulls ? `jsonb_strip_nulls(${merged})` : merged}${
      opts.touch ? ', updated_at = now()' : ''
    } where id = $1`,
    [id, data],
  )
}

/** Auth's user.Confirm: email_confirmed_at and email_verified in user_metadata. */
export async function confirmUserEmail(c: Db, id: string) {
  await c.query(
    `update auth.users set email_confirmed_at = now(), confirmation_token = '',
        raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb,
        updated_at = now() where id = $1`,
    [id],
  )
}

/** Auth's ConfirmPhone. */
export async function confirmUserPhone(c: Db, id: string) {
  await c.query(
    `update auth.users set phone_confirmed_at = now(), confirmation_token = '', updated_at = now() where id = $1`,
    [id],
  )
}

/** Marks one half of a secure email change confirmed (`current` or `new`). */
export async function confirmEmailChangeHalf(c: Db, id: string, half: 'current' | 'new') {
  await c.query(
    `update auth.users set email_change_confirm_status = 1, email_change_token_${half} = '' where id = $1`,
    [id],
  )
}

/** Completes an email change: the pending address becomes the address. */
export async function completeEmailChange(c: Db, id: string) {
  await c.query(
    `update auth.users set email = email_change, email_confirmed_at = coalesce(email_confirmed_at, now()), email_change = '',
        email_change_token_current = '', email_change_token_new = '', email_change_confirm_status = 0, updated_at = now() where id = $1`,
    [id],
  )
}

/** The admin API's soft delete: the row stays, everything that identifies the person goes. */
export async function softDeleteUser(c: Db, id: string) {
  await c.query(
    `update auth.users set deleted_at = now(), email = null, phone = null, encrypted_password = '', confirmation_token = '',
        recovery_token = '', email_change_token_current = '', email_change_token_new = '', email_change = '',
        raw_app_meta_data = '{}', raw_user_meta_data = '{}' where id = $1`,
    [id],
  )
}

export async function deleteUser(c: Db, id: string) {
  await c.query(`delete from auth.users where id = $1`, [id])
}
